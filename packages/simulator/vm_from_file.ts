import { dirname } from "node:path";
import type { Vm } from "./vm.ts";
import { vmFromJson } from "./vm_from_json.ts";

/**
 * Reads a JSON description of a virtual machine from a file (see
 * `vmFromJson()`); `{ "path": ... }` files in it are relative to the
 * file's folder. For `tmpfs-root simulate --vm vm.json`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { vmFromFile } from "./vm_from_file.ts";
 * const vm = await vmFromFile(new URL("./testdata/vm.json", import.meta.url).pathname);
 * assert.equal(vm.disks.length, 3);
 * ```
 */
export async function vmFromFile(path: string): Promise<Vm> {
  const text = await Deno.readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`Invalid VM description "${path}": ${(error as Error).message}`);
  }
  return await vmFromJson(json, dirname(path));
}
