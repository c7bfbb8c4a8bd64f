/**
 * A manual page as data: sections of paragraphs, entries (a term and its
 * description) and literal examples, made of spans of text, literals and
 * placeholders. `toRoff()` and `toMarkdown()` print it; the
 * spans are escaped by the printers alone, so the text of a page never
 * holds markup of either format.
 *
 * @module
 */
/**
 * A run of text: plain words, a literal to type as it is (`code`: bold in
 * roff, a code span in Markdown), or a placeholder for a value (`ph`:
 * italic).
 */
export type Span = string | { readonly code: string } | { readonly ph: string };

/** A block of a section. */
export type Block =
  /** A paragraph, filled. */
  | { readonly kind: "para"; readonly spans: readonly Span[] }
  /** A term and its description, one or more paragraphs (roff `.TP`). */
  | {
    readonly kind: "entry";
    readonly term: readonly Span[];
    readonly paras: readonly (readonly Span[])[];
  }
  /** Lines printed as they are (an example). */
  | { readonly kind: "literal"; readonly lines: readonly string[] }
  /** A subsection heading (roff `.SS`). */
  | { readonly kind: "subsection"; readonly title: string };

/** A section (roff `.SH`), such as `DESCRIPTION`. */
export interface Section {
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** A manual page. */
export interface ManPage {
  /** The page's name, e.g. `tmpfs-root.cmdline`. */
  readonly name: string;
  /** The manual section, e.g. 7. */
  readonly section: number;
  /** The NAME line's description, after the dash. */
  readonly summary: string;
  /** Where the page comes from: the first comment in roff and the first line in Markdown. */
  readonly generated: string;
  /** The sections after NAME. */
  readonly sections: readonly Section[];
}

/** The manual's title, in the page's header (roff `.TH`). */
export const MANUAL = "tmpfs-root manual";

/** Builds a paragraph. */
export function para(...spans: Span[]): Block {
  return { kind: "para", spans };
}

/** Builds an entry: a term and its paragraphs. */
export function entry(term: readonly Span[], ...paras: (readonly Span[])[]): Block {
  return { kind: "entry", term, paras };
}

/** A literal span. */
export function code(text: string): Span {
  return { code: text };
}

/** A placeholder span. */
export function ph(text: string): Span {
  return { ph: text };
}
