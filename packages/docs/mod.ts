/**
 * Documents generated from the boot model and the command table: the man
 * pages `tmpfs-root.cmdline(7)` (every kernel parameter, source form and
 * failure line) and `tmpfs-root(1)` (the command), as roff and Markdown.
 * The command table also drives the CLI's option parsing and help.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { cmdlineManPage, toRoff } from "./mod.ts";
 * const roff = toRoff(cmdlineManPage());
 * assert.match(roff, /^\.TH "TMPFS-ROOT\.CMDLINE" 7 /m);
 * assert.match(roff, /^\\fBrd\.tmpfs\.size=\\fR\\fIsize\\fR$/m);
 * ```
 *
 * @module
 */
export * from "./cmdline_man_page.ts";
export * from "./command_man_page.ts";
export * from "./commands.ts";
export * from "./man_page.ts";
export * from "./man_pages.ts";
export * from "./to_markdown.ts";
export * from "./to_roff.ts";
