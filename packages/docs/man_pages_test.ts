import assert from "#assert";
import { requireProgram } from "@tmpfs-root/shell";
import { PARAMS } from "@tmpfs-root/model";
import { COMMANDS } from "./commands.ts";
import { manPages } from "./man_pages.ts";

const DOCS = new URL("../../docs/", import.meta.url);

/** Runs a program; its status and outputs. */
async function exec(
  program: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(program, { args, env: { LC_ALL: "C.UTF-8", ...env } }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: r.code, out: decode(r.stdout), err: decode(r.stderr) };
}

Deno.test("manPages() roff passes groff -ww -z -man without a warning, and man -l renders it", async () => {
  const groff = await requireProgram("groff");
  const man = await requireProgram("man");
  const dir = await Deno.makeTempDir();
  try {
    for (const page of manPages().filter((d) => !d.path.endsWith(".md"))) {
      const file = `${dir}/${page.path.replace("man/", "")}`;
      await Deno.writeTextFile(file, page.text);
      assert.deepEqual(await exec(groff, ["-ww", "-z", "-man", file]), {
        code: 0,
        out: "",
        err: "",
      });
      const shown = await exec(man, ["--warnings=w", "-l", file], {
        MANWIDTH: "100",
        MANPAGER: "cat",
        MAN_KEEP_FORMATTING: "",
      });
      assert.equal(shown.err, "", page.path);
      assert.equal(shown.code, 0, page.path);
      const words = page.path.endsWith(".7")
        ? PARAMS.map((p) => `${p.name}=`)
        : COMMANDS.map((c) => `tmpfs-root ${c.name}`);
      for (const w of words) assert.ok(shown.out.includes(w), `${page.path}: ${w}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docs/man holds the man pages as the model produces them (deno task build-module)", async () => {
  for (const page of manPages()) {
    const committed = await Deno.readTextFile(new URL(page.path, DOCS)).catch(() => null);
    assert.equal(committed, page.text, `docs/${page.path}: run deno task build-module`);
  }
});
