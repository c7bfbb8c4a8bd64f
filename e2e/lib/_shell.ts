/** Shell quoting for the guest's generated scripts. Private to `e2e/lib`. */

/** Quotes a string as one POSIX shell word (single quotes; NUL is rejected). */
export function shQuote(s: string): string {
  if (s.includes("\0")) {
    throw new TypeError(`Invalid shell word ${JSON.stringify(s)}: contains NUL`);
  }
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
