/**
 * Every real-boot scenario, by topic. Add a topic's table here.
 *
 * @module
 */
import { BLOCK_SCENARIOS, HARNESS_SCENARIOS } from "./block_scenarios.ts";
import { DISTRO_SCENARIOS } from "./distro_scenarios.ts";
import { FIT_SCENARIOS } from "./fit_scenarios.ts";
import { FORMAT_SCENARIOS } from "./format_scenarios.ts";
import { HOLE_SCENARIOS } from "./hole_scenarios.ts";
import { IMAGE_SCENARIOS } from "./image_scenarios.ts";
import { LAYER_SCENARIOS } from "./layer_scenarios.ts";
import { LVM_SCENARIOS } from "./lvm_scenarios.ts";
import { NETWORK_SCENARIOS } from "./network_scenarios.ts";
import { SIGN_SCENARIOS } from "./sign_scenarios.ts";
import { UNSAFE_SCENARIOS } from "./unsafe_scenarios.ts";
import { VERIFY_SCENARIOS } from "./verify_scenarios.ts";
import type { Scenario } from "./lib/scenario.ts";

/** All scenarios, in the order they run. */
export const ALL_SCENARIOS: readonly Scenario[] = [
  ...HARNESS_SCENARIOS,
  ...BLOCK_SCENARIOS,
  ...LVM_SCENARIOS,
  ...FORMAT_SCENARIOS,
  ...NETWORK_SCENARIOS,
  ...HOLE_SCENARIOS,
  ...UNSAFE_SCENARIOS,
  ...VERIFY_SCENARIOS,
  ...SIGN_SCENARIOS,
  ...FIT_SCENARIOS,
  ...LAYER_SCENARIOS,
  ...IMAGE_SCENARIOS,
  ...DISTRO_SCENARIOS,
];
