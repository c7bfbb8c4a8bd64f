import type { ModuleFile } from "@tmpfs-root/compiler";

/**
 * Compares a module folder with the files the model produces; returns one
 * line per difference (missing, extra, different text or mode).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { diffModule } from "./diff_module.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/b.sh`, "y");
 * assert.deepEqual(await diffModule(dir, [{ path: "a.sh", text: "x", mode: 0o644 }]), [
 *   "b.sh: not produced by the model",
 *   "a.sh: missing",
 * ]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function diffModule(dir: string, files: readonly ModuleFile[]): Promise<string[]> {
  const problems: string[] = [];
  const want = new Map(files.map((f) => [f.path, f]));
  const have = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) have.add(entry.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [`${dir} does not exist`];
    throw e;
  }
  for (const name of have) if (!want.has(name)) problems.push(`${name}: not produced by the model`);
  for (const f of files) {
    if (!have.has(f.path)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const path = `${dir}/${f.path}`;
    if ((await Deno.readTextFile(path)) !== f.text) problems.push(`${f.path}: text differs`);
    const mode = (await Deno.stat(path)).mode! & 0o777;
    if (mode !== f.mode) {
      problems.push(`${f.path}: mode ${mode.toString(8)}, expected ${f.mode.toString(8)}`);
    }
  }
  return problems;
}
