// Helpers shared by the compiler's tests.
import assert from "#assert";
import { BOOT, PROGRAM_PACKAGES, TOOLS_DIR } from "@tmpfs-root/model";
import { compileModule } from "./compile_module.ts";

/** The shipped module's files, by path, as the initramfs gets them. */
export const SHIPPED: ReadonlyMap<string, string> = new Map(
  compileModule(BOOT).files.map((f) => [f.path, f.text]),
);

/**
 * A folder that stands in for TOOLS_DIR (which only the initramfs has): a
 * link to this machine's own program for each one the module runs, as
 * module-setup.sh installs them. One per test process, removed at its end.
 */
export const HOST_TOOLS: string = await (async () => {
  const dir = await Deno.makeTempDir({ prefix: "tmpfs-root-tools-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  for (const name of Object.keys(PROGRAM_PACKAGES)) {
    const out = await new Deno.Command("sh", { args: ["-c", 'command -v "$1"', "sh", name] })
      .output();
    const path = new TextDecoder().decode(out.stdout).trim();
    if (out.success && path.startsWith("/")) await Deno.symlink(path, `${dir}/${name}`);
  }
  return dir;
})();

/**
 * The shipped module's files, by path, with HOST_TOOLS in place of
 * TOOLS_DIR, so that tests run them on this machine: every shell runs the
 * same programs as in the initramfs, by path (busybox sh never takes a path
 * for one of its applets).
 */
export const MODULE: ReadonlyMap<string, string> = new Map(
  [...SHIPPED].map(([path, text]) => [path, text.replaceAll(`${TOOLS_DIR}/`, `${HOST_TOOLS}/`)]),
);

/** One function of an emitted file, as printed (with its usage comment), by its name. */
export function functionText(file: string, name: string): string {
  const text = MODULE.get(file);
  if (text === undefined) throw new RangeError(`No ${file} in the module`);
  const start = text.indexOf(`\n${name}() {`);
  assert.ok(start >= 0, `no ${name} in ${file}`);
  return text.slice(start, text.indexOf("\n}\n", start) + 3);
}
