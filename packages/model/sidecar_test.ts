import assert from "#assert";
import { archiveFileName, parseSidecar, type SidecarResult } from "./sidecar.ts";

const A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const B = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
const NAME = "rootfs.tar.zst";

/** Each case: the sidecar's text, and what it says of rootfs.tar.zst. */
const CASES: readonly (readonly [string, string, SidecarResult])[] = [
  ["sha256sum's own line", `${A}  ${NAME}\n`, { kind: "ok", sha256: A }],
  ["binary mode", `${A} *${NAME}\n`, { kind: "ok", sha256: A }],
  ["no newline at the end", `${A}  ${NAME}`, { kind: "ok", sha256: A }],
  ["upper case, read as lower", `${A.toUpperCase()}  ${NAME}\n`, { kind: "ok", sha256: A }],
  ["a directory before the name", `${A}  /srv/images/${NAME}\n`, { kind: "ok", sha256: A }],
  ["several files", `${B}  other.tar\n${A}  ${NAME}\n${B}  x\n`, { kind: "ok", sha256: A }],
  ["empty lines skipped", `\n${A}  ${NAME}\n\n`, { kind: "ok", sha256: A }],
  ["the same line twice", `${A}  ${NAME}\n${A} *${NAME}\n`, { kind: "ok", sha256: A }],
  ["another file only", `${A}  other.tar.zst\n`, { kind: "missing" }],
  ["a longer name", `${A}  ${NAME}.old\n`, { kind: "missing" }],
  ["a name with a space after it", `${A}  ${NAME} \n`, { kind: "missing" }],
  ["a carriage return", `${A}  ${NAME}\r\n`, { kind: "missing" }],
  ["empty", "", { kind: "missing" }],
  ["two digests for it", `${A}  ${NAME}\n${B}  a/${NAME}\n`, { kind: "ambiguous" }],
  ["a web page", "<html><body>Not found</body></html>\n", { kind: "malformed" }],
  ["63 digits", `${A.slice(1)}  ${NAME}\n`, { kind: "malformed" }],
  ["65 digits", `${A}0  ${NAME}\n`, { kind: "malformed" }],
  ["one space, no marker", `${A} ${NAME}\n`, { kind: "malformed" }],
  ["a tab", `${A}\t${NAME}\n`, { kind: "malformed" }],
  ["no name", `${A}  \n`, { kind: "malformed" }],
  ["a digest alone", `${A}\n`, { kind: "malformed" }],
  ["an escaped name (GNU's backslash)", `\\${A}  ${NAME}\n`, { kind: "malformed" }],
  ["BSD's tagged line", `SHA256 (${NAME}) = ${A}\n`, { kind: "malformed" }],
  ["garbage after a good line", `${A}  ${NAME}\nxyz\n`, { kind: "malformed" }],
  ["a leading space", ` ${A}  ${NAME}\n`, { kind: "malformed" }],
];

for (const [what, text, want] of CASES) {
  Deno.test(`parseSidecar() reads ${what}`, () => {
    assert.deepEqual(parseSidecar(new TextEncoder().encode(text), NAME), want);
  });
}

Deno.test("parseSidecar() reads bytes, not UTF-8: a name in Latin-1 matches byte for byte", () => {
  const name = "r\u00e9.tar";
  const bytes = Uint8Array.from(
    [...`${A}  r`].map((c) => c.charCodeAt(0)).concat([0xe9]).concat(
      [..."\u002etar\n"].map((c) => c.charCodeAt(0)),
    ),
  );
  assert.deepEqual(parseSidecar(bytes, name), { kind: "ok", sha256: A });
  assert.deepEqual(parseSidecar(new TextEncoder().encode(`${A}  ${name}\n`), name), {
    kind: "missing",
  });
});

Deno.test("archiveFileName() takes what follows the last slash", () => {
  assert.equal(archiveFileName("rootfs.tgz"), "rootfs.tgz");
  assert.equal(archiveFileName("a/b/rootfs.tgz"), "rootfs.tgz");
  assert.equal(archiveFileName("http://10.0.2.2:8080/rootfs.tar.gz"), "rootfs.tar.gz");
});
