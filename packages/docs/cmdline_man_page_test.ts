import assert from "#assert";
import { compileModule } from "@tmpfs-root/compiler";
import { BOOT, Messages, PARAMS, SOURCES, text } from "@tmpfs-root/model";
import { cmdlineManPage, FORMS, KIND_TITLES, REPORT_PATH } from "./cmdline_man_page.ts";
import { toMarkdown } from "./to_markdown.ts";

const MD = toMarkdown(cmdlineManPage());

/** The Markdown of one section, up to the next. */
function section(title: string): string {
  const start = MD.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `no section ${title}`);
  const end = MD.indexOf("\n## ", start + 1);
  return MD.slice(start, end === -1 ? undefined : end);
}

Deno.test("cmdlineManPage() gives every parameter its form, valid values, default and example", () => {
  const params = section("PARAMETERS");
  for (const p of PARAMS) {
    const at = params.indexOf(`\n- \`${p.name}=`);
    assert.ok(at >= 0, p.name);
    const item = params.slice(at, params.indexOf("\n- ", at + 1) >>> 0);
    assert.ok(item.includes(p.doc.replace(/[\\`*_<>[\]]/g, "\\$&")), `${p.name}: doc`);
    assert.match(item, /\n {2}Valid values: /, p.name);
    const given = p.default === null
      ? "Required."
      : p.default === ""
      ? "Default: empty."
      : `Default: \`${p.default}\`.`;
    assert.ok(item.includes(`\n  ${given}\n`), `${p.name}: ${given}`);
    // An example too long for a filled line (a whole digest) is a literal line of its own.
    const inline = `Example: \`${p.name}=${p.example}\`.`;
    const literal = `Example:\n\n\`\`\`\n${p.name}=${p.example}\n\`\`\``;
    assert.ok(item.includes(inline) || item.includes(literal), `${p.name}: example`);
  }
  assert.match(
    section("SYNOPSIS"),
    /^`root=tmpfs:`\*source\* \\\[`rd\.tmpfs\.size=`\*size\*\\\] .* \\\[`rd\.tmpfs\.onfail=emergency`\|`reboot`\|`poweroff`\|`halt`\\\]$/m,
  );
});

Deno.test("cmdlineManPage() describes every source form of the model's table", () => {
  const sources = section("SOURCES");
  for (const kind of SOURCES) {
    assert.ok(KIND_TITLES[kind.kind] !== undefined, `no title for ${kind.kind}`);
    for (const prefix of kind.prefixes) {
      assert.ok(FORMS[prefix] !== undefined, `no form for ${prefix}`);
      assert.ok(sources.includes(FORMS[prefix]!.doc.replace(/[\\`*_<>[\]]/g, "\\$&")), prefix);
    }
  }
  assert.match(sources, /^- `tmpfs:NFS=nfs:`\*server\*`:`\*export\*\\\[`,`\*options\*\\\]$/m);
});

Deno.test("cmdlineManPage() lists every message of the model with its slots and meaning", () => {
  const diagnostics = section("DIAGNOSTICS");
  const names = Object.getOwnPropertyNames(Messages.prototype).filter((n) => n !== "constructor");
  assert.ok(names.length >= 30);
  const m = new Messages<string>();
  for (const name of names) {
    const make = (m as unknown as Record<string, (...a: string[]) => readonly string[]>)[name]!;
    // The message with every slot a marker, each literal part escaped as the page prints it.
    const parts = make.apply(m, Array(make.length).fill("\u0000"));
    const escaped = text(parts).replace(/[\\`*_<>[\]]/g, "\\$&");
    const pattern = new RegExp(
      `^- ${
        escaped.split("\u0000").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(
          "\\*[a-z]+\\*",
        )
      }\n\n {2}\\S`,
      "m",
    );
    assert.match(diagnostics, pattern, name);
  }
  assert.match(
    diagnostics,
    /^- `tmpfs-root: cmdline failed: `invalid \*parameter\* "\*value\*": \*expected\*$/m,
  );
  assert.match(diagnostics, /^- `cmdline`\n\n {2}Checking the kernel command line\.$/m);
});

Deno.test("cmdlineManPage() describes the report that the emitted module writes", () => {
  const lib = compileModule(BOOT).files.find((f) => f.path === "tmpfs-root-lib.sh")!.text;
  assert.ok(lib.includes(`printf 'status=%s\\nmessage=%s\\n' "$1" "$2" >${REPORT_PATH}`));
  assert.ok(lib.includes("printf 'warning=%s\\n'"));
  assert.ok(lib.includes('tmpfs_root_report ok "unpacked into ${NEWROOT:-/sysroot}"'));
  const files = section("FILES");
  for (
    const line of [
      "`status=ok`",
      "`message=`*text*",
      "`warning=`*line*",
      "`unpacked into /sysroot`",
    ]
  ) {
    assert.ok(files.includes(line), line);
  }
  assert.ok(MD.includes("docs/safety.md"));
});
