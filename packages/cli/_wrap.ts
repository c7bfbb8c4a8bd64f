/**
 * Fills `text` into lines of at most `width` columns (a longer word gets a
 * line of its own), the first line after `first`, the others after
 * `indent` spaces.
 */
export function wrap(text: string, width: number, first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = " ".repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
