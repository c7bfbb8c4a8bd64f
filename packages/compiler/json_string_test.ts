import assert from "#assert";
import { jsonString } from "@tmpfs-root/model";
import { requireProgram } from "@tmpfs-root/shell";
import { functionText } from "./_testing.ts";

/** A seeded linear congruential generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
}

/** Byte strings that reach every branch: ASCII, controls, valid and broken UTF-8. */
function fuzzed(count: number, seed: number): Uint8Array[] {
  const next = random(seed);
  const pieces: number[][] = [
    [0x22],
    [0x5c],
    [0x0a],
    [0x09],
    [0x01],
    [0x7f],
    [0x20],
    [0x41],
    [0x25],
    [0xc3, 0xa9],
    [0xe2, 0x82, 0xac],
    [0xf0, 0x9f, 0x98, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe0, 0x80, 0x80],
    [0xff],
    [0x80],
    [0xe2, 0x82],
    [0xf0, 0x9f],
  ];
  return Array.from({ length: count }, () => {
    const out: number[] = [];
    const n = next() % 12;
    for (let i = 0; i < n; i++) {
      const r = next();
      if (r % 3 === 0) out.push(1 + (next() % 255));
      else out.push(...pieces[next() % pieces.length]!);
    }
    // The shell cannot hold a NUL in an argument.
    return new Uint8Array(out.filter((b) => b !== 0));
  });
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

for (const shell of ["dash", "busybox"] as const) {
  Deno.test(`tmpfs_root_json_string under ${shell} writes what jsonString() writes, and JSON.parse reads it`, async () => {
    const program = await requireProgram(shell);
    const inputs = [
      new Uint8Array(),
      new TextEncoder().encode("rootfs.tar.gz"),
      ...fuzzed(300, 11),
    ];
    // Each input as its bytes in octal escapes, turned back into bytes by printf in the shell.
    const lines = inputs.map((b) =>
      `x="$(printf '${Array.from(b, (c) => `\\${c.toString(8).padStart(3, "0")}`).join("")}x')"; ` +
      `tmpfs_root_json_string "\${x%x}"; echo`
    );
    const script = [functionText("tmpfs-root-lib.sh", "tmpfs_root_json_string"), ...lines].join(
      "\n",
    );
    const args = shell === "busybox" ? ["sh", "-c", script] : ["-c", script];
    const out = await new Deno.Command(program, { args, env: { LC_ALL: "C.UTF-8" } }).output();
    assert.equal(new TextDecoder().decode(out.stderr), "");
    const got = new TextDecoder().decode(out.stdout).split("\n").slice(0, -1);
    assert.equal(got.length, inputs.length);
    inputs.forEach((b, i) => {
      assert.equal(got[i], jsonString(b), `bytes ${hex(b)}`);
      assert.ok(/^[\x20-\x7e]*$/.test(got[i]!), `not ASCII for ${hex(b)}`);
      JSON.parse(got[i]!);
    });
  });
}

Deno.test("jsonString() agrees with TextDecoder on valid UTF-8", () => {
  for (const s of ["", 'a"b\\c', "é€😀\u{10ffff}", "\u0001\u001f\u007f", "\ufffd"]) {
    assert.equal(JSON.parse(jsonString(new TextEncoder().encode(s))), s);
  }
});
