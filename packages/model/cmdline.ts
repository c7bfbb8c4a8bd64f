/**
 * The kernel command line, split the way the kernel's own `next_arg()`
 * (kernel/params.c) splits it:
 *
 * - arguments are separated by white space (space, tab, newline, vertical
 *   tab, form feed, carriage return) outside double quotes;
 * - a double quote toggles quoting anywhere in an argument; quote characters
 *   are kept, except that a value starting with `"` loses that quote and a
 *   matching quote at the very end of the argument, and an argument that
 *   starts with `"` loses that quote and a quote at its very end;
 * - there are no escapes: a backslash is an ordinary character;
 * - the name is everything before the first `=`; an argument without `=`
 *   has no value.
 *
 * When a parameter is given more than once, the last one wins (as dracut's
 * `getarg` does). dracut reads `/etc/cmdline.d/*.conf`, then `/etc/cmdline`,
 * then `/proc/cmdline`, so the kernel's own command line wins.
 *
 * @module
 */

/** One argument of the command line. */
export interface Arg {
  /** The text before the first `=` (or the whole argument). */
  readonly name: string;
  /** The text after the first `=`, or `null` when there is no `=`. */
  readonly value: string | null;
}

const SPACE = new Set([" ", "\t", "\n", "\v", "\f", "\r"]);

/**
 * The arguments of the text of /proc/cmdline as the module reads it:
 * trailing newlines dropped (procfs adds one; the kernel's own line has
 * none, so an open quote never takes them in), then split as the kernel does.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { readCmdline } from "./cmdline.ts";
 * assert.deepEqual(readCmdline('root="tmpfs:/dev/vda1\n'), [{ name: "root", value: "tmpfs:/dev/vda1" }]);
 * ```
 */
export function readCmdline(text: string): Arg[] {
  return splitCmdline(text.replace(/\n+$/, ""));
}

/**
 * Splits a command line into arguments, following the kernel's rules.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { splitCmdline } from "./cmdline.ts";
 * assert.deepEqual(splitCmdline('root="tmpfs:LABEL=my disk" ro'), [
 *   { name: "root", value: "tmpfs:LABEL=my disk" },
 *   { name: "ro", value: null },
 * ]);
 * ```
 */
export function splitCmdline(line: string): Arg[] {
  const args: Arg[] = [];
  let rest = line;
  for (;;) {
    let start = 0;
    while (start < rest.length && SPACE.has(rest[start]!)) start++;
    rest = rest.slice(start);
    if (rest === "") return args;
    let text = rest;
    let quoted = false;
    if (text.startsWith('"')) {
      text = text.slice(1);
      quoted = true;
    }
    let inQuote = quoted;
    let i = 0;
    let equals = 0; // like the kernel: an "=" at index 0 does not count
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (SPACE.has(c) && !inQuote) break;
      if (equals === 0 && c === "=") equals = i;
      if (c === '"') inQuote = !inQuote;
    }
    const arg = text.slice(0, i);
    rest = text.slice(i);
    const endsWithQuote = arg.endsWith('"');
    let name = equals === 0 ? arg : arg.slice(0, equals);
    let value = equals === 0 ? null : arg.slice(equals + 1);
    let zeroed = false;
    if (value !== null && value.startsWith('"')) {
      value = value.slice(1);
      if (endsWithQuote) {
        zeroed = true;
        if (value !== "") value = value.slice(0, -1);
      }
    }
    if (quoted && !zeroed && endsWithQuote) {
      if (value === null) name = name.slice(0, -1);
      else value = value.slice(0, -1);
    }
    args.push({ name, value });
  }
}

/**
 * The value of the last `name=value` argument, `""` for a bare `name`, or
 * `null` when the parameter is absent.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { lastValue, splitCmdline } from "./cmdline.ts";
 * const args = splitCmdline("rd.tmpfs.size=1G rd.tmpfs.size=2G ro");
 * assert.equal(lastValue(args, "rd.tmpfs.size"), "2G");
 * assert.equal(lastValue(args, "ro"), "");
 * assert.equal(lastValue(args, "rd.tmpfs.imgfile"), null);
 * ```
 */
export function lastValue(args: readonly Arg[], name: string): string | null {
  let found: string | null = null;
  for (const a of args) if (a.name === name) found = a.value ?? "";
  return found;
}
