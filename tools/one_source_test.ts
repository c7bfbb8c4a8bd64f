// One source of truth: the failure messages and the commands' flags are
// declared once in the model (packages/model/messages.ts, commands.ts); the
// compiler, the simulator and the differential harness only use them.
import assert from "#assert";
import {
  curlCommand,
  DECOMPRESS,
  messages,
  setfilesCommand,
  signatureCommand,
  TAR_OPTIONS,
} from "@tmpfs-root/model";

const USERS = ["packages/compiler", "packages/simulator", "tools/differential"];

async function sources(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const dir of USERS) {
    for await (const e of Deno.readDir(new URL(`../${dir}/`, import.meta.url))) {
      if (!e.isFile || !e.name.endsWith(".ts") || e.name.endsWith("_test.ts")) continue;
      const text = await Deno.readTextFile(new URL(`../${dir}/${e.name}`, import.meta.url));
      // Code only: comments may quote a message.
      const code = text.split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l));
      out.set(`${dir}/${e.name}`, code.join("\n"));
    }
  }
  return out;
}

/** The literal fragments of every message, with a marker in each slot. */
function fragments(): string[] {
  const m = messages<symbol>();
  const slot = Symbol("slot");
  const out: string[] = [];
  const names = Object.getOwnPropertyNames(Object.getPrototypeOf(m)).filter((n) =>
    n !== "constructor"
  );
  for (const name of names) {
    const make =
      (m as unknown as Record<string, (...a: symbol[]) => readonly (string | symbol)[]>)[name]!;
    const parts = make.call(m, slot, slot, slot);
    for (const p of parts) if (typeof p === "string" && p.trim().length >= 16) out.push(p.trim());
  }
  return out;
}

Deno.test("messages: no fragment of a failure message is typed again in the compiler, simulator or harness", async () => {
  const files = await sources();
  const found = fragments();
  assert.ok(found.length >= 20, `only ${found.length} fragments: the check would be hollow`);
  for (const fragment of found) {
    for (const [path, text] of files) {
      assert.ok(
        !text.includes(fragment),
        `${path} types "${fragment}" again: use the model's MESSAGES`,
      );
    }
  }
});

Deno.test("commands: no flag list of tar, curl, a decompressor, setfiles or openssl is typed again", async () => {
  const files = await sources();
  const curl = curlCommand({ protoRedir: "", maxTime: "", ca: null, url: "" });
  const flags = [
    ...TAR_OPTIONS.filter((f) => f.startsWith("--")),
    ...curl.filter((f) => f.startsWith("--")),
    ...Object.values(DECOMPRESS).map((c) => c.join(" ")),
    setfilesCommand("", "").slice(2, 5).join(" "),
    signatureCommand({ key: "", data: "", sig: "" }).slice(1, 4).join(" "),
    "-sigfile",
  ];
  assert.ok(flags.length >= 15);
  for (const flag of flags) {
    for (const [path, text] of files) {
      assert.ok(
        !text.includes(`"${flag}"`),
        `${path} types the flag "${flag}" again: use packages/model/commands.ts`,
      );
    }
  }
});
