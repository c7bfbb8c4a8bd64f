import assert from "#assert";
import { BOOT } from "./boot.ts";
import { allSteps } from "./dsl.ts";
import type { StepKind } from "./step.ts";

/** Steps that run something the archive holds (the relabel runs the new root's setfiles). */
const RUNS_ARCHIVE_CONTENT: readonly StepKind[] = ["restoreSelinux"];

Deno.test("BOOT runs nothing from the archive before the unpack step, which holds every check, has passed", () => {
  const steps = allSteps(BOOT);
  const unpack = steps.findIndex((s) => s.kind === "unpack");
  assert.ok(unpack >= 0, "the sequence has an unpack step");
  const phaseOf = (i: number) => BOOT.phases.findIndex((p) => p.steps.includes(steps[i]!));
  for (const [i, s] of steps.entries()) {
    if (!RUNS_ARCHIVE_CONTENT.includes(s.kind)) continue;
    assert.ok(i > unpack, `step "${s.id}" runs archive content before the unpack`);
    // In a later phase: under systemd another process, after the unpack service has succeeded.
    assert.ok(phaseOf(i) > phaseOf(unpack), `step "${s.id}" shares the unpack's phase`);
  }
  assert.ok(steps.some((s) => RUNS_ARCHIVE_CONTENT.includes(s.kind)), "the relabel step exists");
});

Deno.test("BOOT checks rd.tmpfs.sha256 in the step right after the unpack, in the unpack's phase", () => {
  const steps = allSteps(BOOT);
  const unpack = steps.findIndex((s) => s.kind === "unpack");
  const verify = steps.findIndex((s) => s.kind === "verify");
  assert.equal(verify, unpack + 1, "the verify step follows the unpack step");
  const step = steps[verify]!;
  assert.ok(step.kind === "verify" && step.of === steps[unpack]!.id);
  assert.equal(step.onlyFor, null, "every kind of source is checked");
  const mount = BOOT.phases.find((p) => p.steps.includes(steps[unpack]!));
  assert.ok(mount?.steps.includes(step), "in the unpack's phase (under systemd, its service)");
});

Deno.test("BOOT finds the digest (sidecar and signature) before the tmpfs is mounted, and hashes and checks that one", () => {
  const steps = allSteps(BOOT);
  const at = (kind: StepKind) => steps.findIndex((s) => s.kind === kind);
  const sidecar = steps[at("sidecar")]!;
  assert.ok(at("sidecar") >= 0, "the sequence has a sidecar step");
  assert.ok(at("sidecar") < at("mountTmpfs"), "before the new root is mounted");
  assert.ok(at("sidecar") > at("mountSource"), "after the source is mounted (the file beside it)");
  assert.equal(sidecar.onlyFor, null, "for every kind of source");
  const unpack = steps.find((s) => s.kind === "unpack");
  const verify = steps.find((s) => s.kind === "verify");
  const digest = { kind: "output", step: sidecar.id };
  assert.deepEqual(unpack?.sha256, digest, "the unpack hashes for the sidecar step's digest");
  assert.deepEqual(verify?.expected, digest, "the verify step compares with it");
});
