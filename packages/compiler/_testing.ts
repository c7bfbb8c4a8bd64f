// Helpers shared by the compiler's tests.
import assert from "#assert";
import { BOOT } from "@tmpfs-root/model";
import { compileModule } from "./compile_module.ts";

/** The shipped module's files, by path. */
export const MODULE: ReadonlyMap<string, string> = new Map(
  compileModule(BOOT).files.map((f) => [f.path, f.text]),
);

/** One function of an emitted file, as printed (with its usage comment), by its name. */
export function functionText(file: string, name: string): string {
  const text = MODULE.get(file);
  if (text === undefined) throw new RangeError(`No ${file} in the module`);
  const start = text.indexOf(`\n${name}() {`);
  assert.ok(start >= 0, `no ${name} in ${file}`);
  return text.slice(start, text.indexOf("\n}\n", start) + 3);
}
