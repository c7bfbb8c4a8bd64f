import assert from "#assert";
import {
  buildKind,
  COMPATIBILITY_MD,
  type CompatibilityRecord,
  cpioSymlinks,
  mergeRecords,
  readRecords,
  renderCompatibility,
  shellOf,
  SOURCE_KINDS,
} from "./compatibility.ts";

const RECORD: CompatibilityRecord = {
  scenario: "classic/trixie-uuid",
  distro: "trixie",
  dracut: "106-6",
  systemd: "257",
  kernel: "6.12.0",
  build: "minimal",
  shell: "dash",
  flavour: "classic",
  source: "block",
  expect: "boots",
  result: "passed",
  date: "2026-12-02",
};

Deno.test("docs/compatibility.md is what the generator makes from e2e/compatibility.json", async () => {
  const records = await readRecords();
  assert.ok(records.length > 0, "e2e/compatibility.json has no records");
  assert.equal(
    await Deno.readTextFile(COMPATIBILITY_MD),
    renderCompatibility(records),
    "run: deno run -A e2e/lib/compatibility.ts",
  );
});

Deno.test("e2e/compatibility.json names only scenarios that exist, each a row of the table", async () => {
  // Imported here: the scenario tables make the test CA under the cache folder when loaded.
  const { ALL_SCENARIOS } = await import("../scenarios.ts");
  const { COMPATIBILITY_ROWS } = await import("../distro_scenarios.ts");
  const names = new Set(ALL_SCENARIOS.map((s) => s.name));
  for (const r of await readRecords()) {
    assert.ok(names.has(r.scenario), `no scenario "${r.scenario}"`);
    const row = COMPATIBILITY_ROWS.get(r.scenario);
    assert.ok(row, `"${r.scenario}" is not a row of the compatibility table`);
    assert.deepEqual([r.distro, r.source], [row!.distro, row!.source]);
    const s = ALL_SCENARIOS.find((s) => s.name === r.scenario)!;
    assert.equal(r.flavour, s.flavour);
    assert.equal(r.build, buildKind(s.initramfs));
  }
  for (const name of COMPATIBILITY_ROWS.keys()) assert.ok(names.has(name), `no scenario "${name}"`);
});

/** A newc cpio member: header, name (NUL-ended, padded to 4), data (padded to 4). */
function member(name: string, mode: number, data = ""): Uint8Array {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const fields = [1, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length + 1, 0];
  const head = `070701${fields.map(hex).join("")}`;
  const pad = (t: string) => t + "\0".repeat((4 - (t.length % 4)) % 4);
  return new TextEncoder().encode(pad(pad(`${head}${name}\0`) + data));
}

/** Archives one after another, each ended by its trailer, with zeros between. */
function image(...archives: Uint8Array[][]): Uint8Array {
  const parts = archives.flatMap((a) => [
    ...a,
    member("TRAILER!!!", 0),
    new Uint8Array(512),
  ]);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

Deno.test("cpioSymlinks() and shellOf() read /bin/sh past a first archive of kernel modules", () => {
  const modules = [
    member("usr/lib/modules", 0o40755),
    member("usr/lib/modules/x.ko", 0o100644, "abc"),
  ];
  const cases: [Uint8Array[], string][] = [
    [[member("usr/bin/sh", 0o120777, "dash")], "dash"],
    [[member("bin/sh", 0o120777, "bash")], "bash"],
    [
      [member("usr/bin/sh", 0o120777, "busybox"), member("usr/bin/tar", 0o120777, "busybox")],
      "busybox",
    ],
    [[member("usr/bin/sh", 0o120777, "/usr/bin/busybox")], "busybox"],
    [[member("usr/bin/shx", 0o120777, "busybox")], ""],
    [[member("usr/bin/sh", 0o100755, "#!")], ""],
  ];
  for (const [second, want] of cases) {
    assert.equal(shellOf(cpioSymlinks(image(modules, second))), want);
    assert.equal(shellOf(cpioSymlinks(image(second))), want);
  }
  assert.throws(() => cpioSymlinks(new TextEncoder().encode("x".repeat(200))), RangeError);
});

Deno.test("mergeRecords() replaces the rows run and keeps the others, in the table's order", () => {
  const forky: CompatibilityRecord = { ...RECORD, scenario: "classic/forky-uuid", distro: "forky" };
  const bookworm: CompatibilityRecord = {
    ...RECORD,
    scenario: "classic/uuid",
    distro: "bookworm",
  };
  const fresh: CompatibilityRecord = {
    ...RECORD,
    result: "failed",
    detail: "x",
    date: "2026-12-03",
  };
  const merged = mergeRecords([forky, RECORD], [fresh, bookworm]);
  assert.deepEqual(merged.map((r) => r.scenario), [
    "classic/uuid",
    "classic/trixie-uuid",
    "classic/forky-uuid",
  ]);
  assert.equal(merged[1]!.result, "failed");
});

Deno.test("renderCompatibility() escapes pipes and shows a failure's detail", () => {
  const md = renderCompatibility([{ ...RECORD, result: "failed", detail: "a | b\nc" }]);
  assert.match(md, /\| failed \(2026-12-02\): a \\\| b c \|/);
  assert.match(renderCompatibility([{ ...RECORD, shell: "" }]), /\| \(no image\) \|/);
  assert.ok(SOURCE_KINDS.includes("block"));
});

Deno.test("representative() keeps systemd boots of each distribution in CI's set", async () => {
  const { representative } = await import("../run.ts");
  const { DISTRO_SCENARIOS } = await import("../distro_scenarios.ts");
  const ci = representative(DISTRO_SCENARIOS);
  for (const d of ["trixie", "forky"]) {
    const systemd = ci.filter((s) => s.flavour === "systemd" && s.initramfs?.distro === d);
    assert.ok(systemd.length >= 1, `no systemd boot of ${d} in the CI set`);
  }
  // Every classic boot stays.
  assert.equal(
    ci.filter((s) => s.flavour === "classic").length,
    DISTRO_SCENARIOS.filter((s) => s.flavour === "classic").length,
  );
});
