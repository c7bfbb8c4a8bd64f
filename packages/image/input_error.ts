/**
 * An input the operator named cannot be used: a folder that cannot be
 * read, an archive name with an unknown ending, a level out of range, an
 * archive that cannot be read. The command line reports it with exit
 * status 2, apart from failures of the work itself.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { InputError } from "./input_error.ts";
 * assert.ok(new InputError("Cannot read \"x\": ENOENT") instanceof Error);
 * ```
 */
export class InputError extends Error {
  override name = "InputError";
}
