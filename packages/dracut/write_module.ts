import type { ModuleFile } from "@tmpfs-root/compiler";

/**
 * Writes the module's files into `dir` (created if needed), with their
 * modes, and removes files that are no longer part of the module.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { writeModule } from "./write_module.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/old.sh`, "");
 * await writeModule(dir, [{ path: "module-setup.sh", text: "#!/bin/sh\n", mode: 0o755 }]);
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["module-setup.sh"]);
 * assert.equal(Deno.statSync(`${dir}/module-setup.sh`).mode! & 0o777, 0o755);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeModule(dir: string, files: readonly ModuleFile[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const keep = new Set(files.map((f) => f.path));
  for await (const entry of Deno.readDir(dir)) {
    if (!keep.has(entry.name)) await Deno.remove(`${dir}/${entry.name}`, { recursive: true });
  }
  for (const f of files) {
    const path = `${dir}/${f.path}`;
    await Deno.writeTextFile(path, f.text);
    await Deno.chmod(path, f.mode);
  }
}
