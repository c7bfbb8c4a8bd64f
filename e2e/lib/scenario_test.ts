import assert from "#assert";
import type { BootResult } from "./qemu.ts";
import { findLine, findMarker } from "./qemu.ts";
import {
  composeAppend,
  FAILURE_LINE,
  failureNotes,
  judge,
  once,
  type Scenario,
} from "./scenario.ts";

const base: Scenario = {
  name: "classic/x",
  topic: "block",
  flavour: "classic",
  cmdline: "root=tmpfs:/dev/vda1",
  expect: { kind: "pass" },
};

function result(log: string, over: Partial<BootResult> = {}): BootResult {
  return {
    log,
    logPath: "/tmp/x.log",
    exitCode: 0,
    timedOut: false,
    halted: false,
    seconds: 10,
    stderr: "",
    ...over,
  };
}

const CMDLINE_ECHO = "[    0.0] Kernel command line: root=tmpfs:/dev/vda1 PWN%sED\n";

Deno.test("findMarker() finds one marker and rejects two", () => {
  assert.deepEqual(findMarker("x\nTMPFS-ROOT-E2E: PASS\r\ny"), { pass: true, reason: "" });
  assert.deepEqual(findMarker("TMPFS-ROOT-E2E: FAIL a; b;\n"), { pass: false, reason: "a; b;" });
  assert.equal(findMarker("TMPFS-ROOT-E2E-NOTE: hi\n"), undefined);
  assert.throws(() => findMarker("TMPFS-ROOT-E2E: PASS\nTMPFS-ROOT-E2E: PASS\n"), /found 2/);
});

Deno.test("findLine() ignores a global flag's state", () => {
  const re = /b/g;
  assert.equal(findLine("a\nb\n", re), "b");
  assert.equal(findLine("a\nb\n", re), "b");
});

Deno.test("judge() passes a clean PASS boot and names what is wrong otherwise", () => {
  assert.deepEqual(judge(base, result("TMPFS-ROOT-E2E: PASS\n")), []);
  assert.match(
    judge(base, result("TMPFS-ROOT-E2E: FAIL no xattr\n")).join(),
    /checks failed: no xattr/,
  );
  assert.match(judge(base, result("")).join(), /never printed its marker/);
  assert.match(judge(base, result("", { timedOut: true, exitCode: 124 })).join(), /timed out/);
  assert.match(judge(base, result("", { halted: true })).join(), /halted/);
});

Deno.test("judge() requires a fail line, no marker and a boot that ended", () => {
  const s: Scenario = {
    ...base,
    expect: { kind: "fail", step: "unpack", line: FAILURE_LINE },
    forbid: [/PWN[a-z]ED/],
  };
  const good = "[ 6.8] tmpfs-root: unpack failed: rootfs.tgz is truncated\n";
  assert.deepEqual(judge(s, result(CMDLINE_ECHO + good)), []);
  assert.deepEqual(judge(s, result(good), true), []);
  assert.match(
    judge(s, result("tmpfs-root: source failed: x\n"), true).join(),
    /no console line matches/,
  );
  assert.match(judge(s, result(good + "TMPFS-ROOT-E2E: PASS\n")).join(), /should have stopped/);
  assert.match(judge(s, result(good + "PWNaED\n")).join(), /forbidden console text/);
  assert.match(judge(s, result(good, { timedOut: true })).join(), /did not end by itself/);
});

Deno.test("judge() requires every required line, outside the echoed command line", () => {
  const s: Scenario = { ...base, require: [/e2e-outside: clean \(cleanup\)/] };
  const pass = "TMPFS-ROOT-E2E: PASS\n";
  assert.deepEqual(judge(s, result("[ 5.1] e2e-outside: clean (cleanup)\n" + pass)), []);
  assert.match(judge(s, result(pass)).join(), /no console line matches required/);
  const echo = "[ 0.0] Kernel command line: e2e-outside: clean (cleanup)\n";
  assert.match(judge(s, result(echo + pass)).join(), /no console line matches required/);
});

Deno.test("composeAppend() adds the flavour's failure policy and the size expectation", () => {
  const s: Scenario = { ...base, expect: { kind: "pass", tmpfsSize: "3G" } };
  assert.equal(
    composeAppend(s),
    "root=tmpfs:/dev/vda1 rd.shell=0 rd.emergency=poweroff e2e.size=3G",
  );
});

Deno.test("once() builds a value once", async () => {
  let n = 0;
  const f = once(() => Promise.resolve(++n));
  assert.equal(await f(), 1);
  assert.equal(await f(), 1);
});

Deno.test("failureNotes() shows the failure line and flags another step", () => {
  const s: Scenario = { ...base, expect: { kind: "fail", step: "unpack", line: FAILURE_LINE } };
  assert.deepEqual(failureNotes(s, "[ 1.0] tmpfs-root: unpack failed: x is truncated\n"), [
    "tmpfs-root: unpack failed: x is truncated",
  ]);
  assert.deepEqual(failureNotes(s, "tmpfs-root: mountpoint failed: y\n"), [
    "tmpfs-root: mountpoint failed: y",
    'step "mountpoint" where "unpack" was expected',
  ]);
  assert.deepEqual(failureNotes(base, "tmpfs-root: unpack failed: x\n"), []);
});

Deno.test("judge() checks the boot report, whose quote of the failure line is not another one", () => {
  const s: Scenario = {
    ...base,
    expect: { kind: "fail", step: "unpack", line: FAILURE_LINE },
    report: { result: "failed", stepId: "unpack", layers: [], tmpfs: false },
  };
  const line = "tmpfs-root: unpack failed: rootfs.tgz is truncated";
  const report = {
    version: 1,
    result: "failed",
    step: "unpack",
    stepId: "unpack",
    cause: "rootfs.tgz is truncated",
    message: line,
    source: { spec: "/dev/vda1", kind: "block" },
    layers: [],
    tmpfs: null,
    warnings: [],
    uptime: { start: 1, end: 2 },
  };
  const log = `[ 6.8] ${line}\ne2e-report: ${JSON.stringify(report)} (shutdown-emergency)\n`;
  assert.deepEqual(judge(s, result(log)), []);
  assert.match(judge(s, result(`[ 6.8] ${line}\n`)).join(), /no report\.json on the console/);
});
