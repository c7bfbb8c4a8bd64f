/** Picking the telling line of a program's messages. Private to `bench/lib`. */

/**
 * The line of a failure that says why (tar's or the tool's own error, else the last line).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { importantLine } from "./_lines.ts";
 * const pull = "Pulling 'x'.\ntar: Archive is compressed. Use --zstd option\nExiting.";
 * assert.equal(importantLine(pull), "tar: Archive is compressed. Use --zstd option");
 * ```
 */
export function importantLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.find((l) => /^tar: /.test(l) && !/Exiting with failure/.test(l)) ??
    lines.find((l) => /did not finish|fail|error|not found/i.test(l)) ?? lines.at(-1) ?? "";
}
