import { BOOT, type BootSequence } from "@tmpfs-root/model";
import { cmdlineManPage } from "./cmdline_man_page.ts";
import { commandManPage } from "./command_man_page.ts";
import { toMarkdown } from "./to_markdown.ts";
import { toRoff } from "./to_roff.ts";

/** A generated document: its path under the docs folder, and its text. */
export interface GeneratedDoc {
  readonly path: string;
  readonly text: string;
}

/**
 * The man pages, `tmpfs-root.cmdline(7)` and `tmpfs-root(1)`, each as roff
 * (`man/<name>.<section>`) and Markdown (`man/<name>.<section>.md`), by
 * their paths in the docs folder.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { manPages } from "./man_pages.ts";
 * assert.deepEqual(manPages().map((d) => d.path), [
 *   "man/tmpfs-root.cmdline.7",
 *   "man/tmpfs-root.cmdline.7.md",
 *   "man/tmpfs-root.1",
 *   "man/tmpfs-root.1.md",
 * ]);
 * ```
 */
export function manPages(boot: BootSequence = BOOT): GeneratedDoc[] {
  return [cmdlineManPage(boot), commandManPage()].flatMap((page) => {
    const base = `man/${page.name}.${page.section}`;
    return [{ path: base, text: toRoff(page) }, { path: `${base}.md`, text: toMarkdown(page) }];
  });
}
