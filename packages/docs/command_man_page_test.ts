import assert from "#assert";
import { commandManPage } from "./command_man_page.ts";
import { COMMANDS, synopsis } from "./commands.ts";
import { toMarkdown } from "./to_markdown.ts";

Deno.test("commandManPage() gives every command its synopsis, options, help and exit statuses", () => {
  const md = toMarkdown(commandManPage());
  for (const c of COMMANDS) {
    const at = md.indexOf(`\n### ${c.name}\n`);
    assert.ok(at >= 0, c.name);
    const part = md.slice(at, md.indexOf("\n### ", at + 1) >>> 0);
    // The synopsis, with its markup taken out, is the help's.
    const plain = part.split("\n")[3]!.replace(/[`*]/g, "").replace(/\\(.)/g, "$1");
    assert.equal(plain, `tmpfs-root ${synopsis(c)}`);
    for (const o of c.options) {
      const short = o.short === undefined ? "" : `\`-${o.short}\`, `;
      assert.ok(part.includes(`\n- ${short}\`--${o.name}\``), `${c.name} --${o.name}`);
    }
    assert.ok(part.includes("\n- `-h`, `--help`\n"), c.name);
    for (const e of c.exit) {
      const meaning = e.meaning.charAt(0).toUpperCase() + e.meaning.slice(1);
      assert.ok(
        part.includes(`\n- \`${e.status}\`\n\n  ${meaning.replace(/[\\`*_<>[\]]/g, "\\$&")}.\n`),
        c.name,
      );
    }
  }
  assert.match(md, /^## EXIT STATUS$/m);
});
