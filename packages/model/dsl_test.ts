import assert from "#assert";
import { BOOT } from "./boot.ts";
import {
  allSteps,
  awaitSource,
  literal,
  makeTempDir,
  mountSource,
  mountTmpfs,
  newroot,
  output,
  param,
  phase,
  readParams,
  release,
  remove,
  sequence,
  sidecar,
  undoPlan,
  unmount,
  unpack,
  verify,
} from "./dsl.ts";
import {
  CAFILE,
  IMGFILE,
  ONFAIL,
  PARAMS,
  RETRIES,
  RETRY,
  ROOT,
  SHA256,
  SIZE,
  VERIFY,
} from "./params.ts";
import type { Operand, Phase, Step } from "./step.ts";
import type { ParamSpec } from "./params.ts";

// A small valid sequence; each case below breaks it in one way.
const READ = { id: "params", label: "cmdline", doing: "checking", params: PARAMS } as const;
const read = readParams(READ);
const wait = awaitSource({
  id: "device",
  label: "source",
  doing: "waiting",
  source: param(ROOT),
  timeout: param(RETRY),
});
const dir = makeTempDir({
  id: "dir",
  label: "mountpoint",
  doing: "making a directory",
  parent: literal("/run/demo"),
  undo: remove(output("dir")),
});
const source = mountSource({
  id: "source",
  label: "source",
  doing: "mounting the source",
  source: param(ROOT),
  at: output("dir"),
  undo: unmount(output("dir")),
});
const TMPFS = {
  id: "tmpfs",
  label: "tmpfs",
  doing: "mounting the tmpfs",
  at: newroot(),
  options: param(SIZE),
  opts: param(SIZE),
  undo: unmount(newroot()),
} as const;
const tmpfs = mountTmpfs(TMPFS);
const UNPACK = {
  id: "unpack",
  label: "unpack",
  doing: "unpacking",
  source: param(ROOT),
  from: output("dir"),
  file: param(IMGFILE),
  into: newroot(),
  retries: param(RETRIES),
  ca: param(CAFILE),
  sha256: param(SHA256),
  progress: literal("5"),
  manifest: literal(""),
} as const;
const side = sidecar({
  id: "sidecar",
  label: "verify",
  doing: "reading the sidecar",
  from: output("dir"),
  file: param(IMGFILE),
  mode: param(VERIFY),
  sha256: param(SHA256),
  ca: param(CAFILE),
  keys: literal("/etc/keys"),
  copy: literal("/run/sidecar"),
});
const verifyOf = (of: string, expected: Operand = param(SHA256)): Step =>
  verify({ id: "verify", label: "verify", doing: "verifying", of, expected });
const releaseOf = (of: string, id = "release"): Step =>
  release({ id, label: "release", doing: "releasing", of });
const tmpDir = (id: string, parent: Operand): Step =>
  makeTempDir({ id, label: "mountpoint", doing: "making a directory", parent });

const VALID: readonly Phase[] = [
  phase("cmdline", read, wait),
  phase("mount", dir, source, tmpfs, releaseOf("source"), releaseOf("dir", "cleanup")),
];

function demo(
  phases: readonly Phase[],
  params: readonly ParamSpec[] = PARAMS,
  onFail: Operand = param(ONFAIL),
): () => unknown {
  return () => sequence("demo", params, onFail, phases);
}

Deno.test("sequence() accepts the valid sequence the error cases start from", () => {
  const seq = demo(VALID)();
  assert.deepEqual(seq, { name: "demo", params: PARAMS, onFail: param(ONFAIL), phases: VALID });
});

Deno.test("sequence() accepts BOOT's own phases, and BOOT undoes what each failure needs", () => {
  assert.deepEqual(sequence(BOOT.name, BOOT.params, BOOT.onFail, BOOT.phases), BOOT);
  assert.deepEqual(
    allSteps(BOOT).map((s) => [s.id, undoPlan(BOOT, s.id).map((u) => u.id)]),
    [
      ["params", []],
      ["device", []],
      ["mountpoint", []],
      ["source", ["mountpoint"]],
      ["sidecar", ["source", "mountpoint"]],
      ["manifest", ["source", "mountpoint"]],
      ["fit", ["source", "mountpoint"]],
      ["tmpfs", ["source", "mountpoint"]],
      ["unpack", ["tmpfs", "source", "mountpoint"]],
      ["verify", ["tmpfs", "source", "mountpoint"]],
      ["release", ["tmpfs", "source", "mountpoint"]],
      ["cleanup", ["tmpfs", "mountpoint"]],
      ["selinux", ["tmpfs"]],
      ["handover", ["tmpfs"]],
    ],
  );
});

const withoutSize = PARAMS.filter((p) => p !== SIZE);

/** Every error the DSL throws: [test name, what throws, the exact message]. */
const ERRORS: readonly (readonly [string, () => unknown, RegExp])[] = [
  [
    "makeTempDir() rejects a step id with a digit",
    () => tmpDir("dir1", literal("/run")),
    /^TypeError: Invalid step id "dir1": expected \[a-z\]\+$/,
  ],
  [
    "makeTempDir() rejects a step id with a dash",
    () => tmpDir("mount-point", literal("/run")),
    /^TypeError: Invalid step id "mount-point": expected \[a-z\]\+$/,
  ],
  [
    "makeTempDir() rejects an empty step id",
    () => tmpDir("", literal("/run")),
    /^TypeError: Invalid step id "": expected \[a-z\]\+$/,
  ],
  [
    "sequence() rejects a failure policy that is not a parameter",
    demo(VALID, PARAMS, literal("reboot")),
    /^TypeError: Invalid failure policy "reboot": expected a parameter the sequence declares$/,
  ],
  [
    "sequence() rejects a failure policy the sequence does not declare",
    demo(VALID, PARAMS.filter((p) => p !== ONFAIL)),
    /^TypeError: Invalid failure policy "rd\.tmpfs\.onfail": expected a parameter the sequence declares$/,
  ],
  [
    "sequence() rejects a phase given twice",
    demo([phase("cmdline", read), phase("mount", dir), phase("mount", tmpfs)]),
    /^TypeError: Phase "mount" after "mount": expected each of cmdline, mount, prePivot at most once, in that order$/,
  ],
  [
    "sequence() rejects phases out of dracut's order",
    demo([phase("cmdline", read), phase("prePivot", tmpfs), phase("mount", dir)]),
    /^TypeError: Phase "mount" after "prePivot": expected each of cmdline, mount, prePivot at most once, in that order$/,
  ],
  [
    "sequence() rejects a step id used twice, in different phases",
    demo([phase("cmdline", read, dir), phase("mount", dir)]),
    /^TypeError: Duplicate step id "dir"$/,
  ],
  [
    "sequence() rejects the output of a later step",
    demo([phase("cmdline", read), phase("mount", tmpDir("first", output("dir")), dir)]),
    /^TypeError: Step "first" uses the output of "dir" before it runs$/,
  ],
  [
    "sequence() rejects the output of an unknown step",
    demo([phase("cmdline", read), phase("mount", tmpDir("first", output("nowhere")))]),
    /^TypeError: Step "first" uses the output of "nowhere" before it runs$/,
  ],
  [
    "sequence() rejects a step's own output outside its undo",
    demo([phase("cmdline", read), phase("mount", tmpDir("dir", output("dir")))]),
    /^TypeError: Step "dir" uses the output of "dir" before it runs$/,
  ],
  [
    "sequence() rejects the output of a step that has none",
    demo([phase("cmdline", read), phase("mount", tmpfs, tmpDir("dir", output("tmpfs")))]),
    /^TypeError: Step "dir" uses the output of "tmpfs": a mountTmpfs step has none$/,
  ],
  [
    "sequence() rejects an undo of the step's own output when the step has none",
    demo([
      phase("cmdline", read),
      phase("mount", mountTmpfs({ ...TMPFS, undo: unmount(output("tmpfs")) })),
    ]),
    /^TypeError: Step "tmpfs" uses the output of "tmpfs": a mountTmpfs step has none$/,
  ],
  [
    "sequence() rejects a parameter the sequence does not declare",
    demo(
      [phase("cmdline", readParams({ ...READ, params: withoutSize })), phase("mount", tmpfs)],
      withoutSize,
    ),
    /^TypeError: Step "tmpfs" reads "rd\.tmpfs\.size", which is not declared$/,
  ],
  [
    "sequence() rejects a readParams step that reads an undeclared parameter",
    demo([phase("cmdline", read)], withoutSize),
    /^TypeError: Step "params" reads "rd\.tmpfs\.size", which is not declared$/,
  ],
  [
    "sequence() rejects a parameter read before the readParams step",
    demo([phase("cmdline", wait, read)]),
    /^TypeError: Step "device" reads "root" before a readParams step has run$/,
  ],
  [
    "sequence() rejects a sequence without a readParams step",
    demo([phase("mount", dir)]),
    /^TypeError: Sequence "demo" has no readParams step$/,
  ],
  [
    "sequence() rejects a release of an unknown step",
    demo([phase("cmdline", read), phase("mount", dir, releaseOf("nowhere"))]),
    /^TypeError: Step "release" releases "nowhere", which does not run before it$/,
  ],
  [
    "sequence() rejects a release of a later step",
    demo([phase("cmdline", read), phase("mount", releaseOf("dir"), dir)]),
    /^TypeError: Step "release" releases "dir", which does not run before it$/,
  ],
  [
    "sequence() rejects a release of a step without undo",
    demo([
      phase("cmdline", read),
      phase("mount", tmpDir("bare", literal("/run")), releaseOf("bare")),
    ]),
    /^TypeError: Step "release" releases "bare", which has nothing to undo$/,
  ],
  [
    "sequence() rejects a step released twice",
    demo([
      phase("cmdline", read),
      phase("mount", dir, releaseOf("dir"), releaseOf("dir", "again")),
    ]),
    /^TypeError: Step "again" releases "dir", which step "release" has released already$/,
  ],
  [
    "sequence() rejects a verify step of an unknown step",
    demo([phase("cmdline", read), phase("mount", dir, verifyOf("nowhere"))]),
    /^TypeError: Step "verify" verifies "nowhere", which is not an unpack step that runs before it$/,
  ],
  [
    "sequence() rejects a verify step of a step that unpacks nothing",
    demo([phase("cmdline", read), phase("mount", dir, verifyOf("dir"))]),
    /^TypeError: Step "verify" verifies "dir", which is not an unpack step that runs before it$/,
  ],
  [
    "sequence() rejects a verify step before its unpack step",
    demo([phase("cmdline", read), phase("mount", dir, verifyOf("unpack"), unpack(UNPACK))]),
    /^TypeError: Step "verify" verifies "unpack", which is not an unpack step that runs before it$/,
  ],
  [
    "sequence() rejects a verify step that expects another digest than its unpack step hashes for",
    demo([
      phase("cmdline", read),
      phase("mount", dir, unpack({ ...UNPACK, sha256: literal("") }), verifyOf("unpack")),
    ]),
    /^TypeError: Step "verify" expects "rd\.tmpfs\.sha256", but "unpack" hashes for ""$/,
  ],
  [
    "sequence() rejects a sidecar step after the tmpfs is mounted",
    demo([phase("cmdline", read), phase("mount", dir, tmpfs, side)]),
    /^TypeError: Step "sidecar" runs after the tmpfs step "tmpfs": a sidecar and its signature are checked before the new root is mounted$/,
  ],
  [
    "sequence() rejects a sidecar step in a phase after the tmpfs's",
    demo([phase("cmdline", read), phase("mount", dir, tmpfs), phase("prePivot", side)]),
    /^TypeError: Step "sidecar" runs after the tmpfs step "tmpfs": a sidecar and its signature are checked before the new root is mounted$/,
  ],
  [
    "sequence() rejects an unpack step that hashes for a sidecar step's digest before it runs",
    demo([
      phase("cmdline", read),
      phase("mount", dir, unpack({ ...UNPACK, sha256: output("sidecar") }), side),
    ]),
    /^TypeError: Step "unpack" uses the output of "sidecar" before it runs$/,
  ],
  [
    "undoPlan() rejects an unknown step",
    () => undoPlan(BOOT, "nowhere"),
    /^RangeError: Unknown step "nowhere"$/,
  ],
];

for (const [what, build, message] of ERRORS) {
  Deno.test(what, () => {
    assert.throws(build, message);
  });
}

Deno.test("sequence() accepts a sidecar step before the tmpfs, whose digest the unpack and verify steps use", () => {
  const digest = output("sidecar");
  const seq = sequence("demo", PARAMS, param(ONFAIL), [
    phase("cmdline", read),
    phase(
      "mount",
      dir,
      side,
      tmpfs,
      unpack({ ...UNPACK, sha256: digest }),
      verifyOf("unpack", digest),
    ),
  ]);
  assert.deepEqual(undoPlan(seq, "sidecar").map((s) => s.id), ["dir"]);
  assert.deepEqual(undoPlan(seq, "verify").map((s) => s.id), ["tmpfs", "dir"]);
});

Deno.test("sequence() accepts a verify step after the unpack step it checks, and undoes as for it", () => {
  const seq = sequence("demo", PARAMS, param(ONFAIL), [
    phase("cmdline", read),
    phase("mount", dir, tmpfs, unpack(UNPACK), verifyOf("unpack"), releaseOf("dir")),
  ]);
  assert.deepEqual(undoPlan(seq, "verify").map((s) => s.id), ["tmpfs", "dir"]);
});
