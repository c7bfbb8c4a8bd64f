// The emitted sidecar reader and signature check: the reader agrees with the model's
// parseSidecar under every shell, and the signing commands docs/safety.md gives make files that
// the module's own check (OpenSSL's Ed25519) accepts, and only those.
import assert from "#assert";
import { Lcg, parseSidecar, type SidecarResult } from "@tmpfs-root/model";
import { requireProgram, runShell, SHELLS } from "@tmpfs-root/shell";
import { functionText } from "./_testing.ts";

const LIB = "tmpfs-root-lib.sh";
const NAME = "rootfs.tar.zst";
const A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const B = "2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE";

/** The pieces generated sidecars are made of: lines good and bad, for the archive and others. */
const LINES = [
  `${A}  ${NAME}`,
  `${A} *${NAME}`,
  `${B}  ${NAME}`,
  `${B}  /srv/images/${NAME}`,
  `${A}  other.tar.zst`,
  `${A}  ${NAME}.old`,
  `${A}  ${NAME} `,
  `${A}  x/`,
  `${A} ${NAME}`,
  `${A}\t${NAME}`,
  `${A.slice(1)}  ${NAME}`,
  `${A}0  ${NAME}`,
  `${A}  `,
  `${A}`,
  `\\${A}  ${NAME}`,
  `SHA256 (${NAME}) = ${A}`,
  " ",
  "",
  "<html>",
  `${A}  r\u00e9.tar`,
  `${A}  *${NAME}`,
  `${A} **${NAME}`,
];

/** `count` sidecars of one to four lines, with or without a newline at the end. */
function sidecars(count: number): Uint8Array[] {
  const r = new Lcg(7);
  return Array.from({ length: count }, () => {
    const lines = Array.from({ length: 1 + r.int(4) }, () => r.pick(LINES));
    const text = lines.join("\n") + (r.int(3) === 0 ? "" : "\n");
    // Latin-1, one byte a character: the shell reads bytes.
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  });
}

/** The shell's status and output as the model's result. */
function fromShell(code: number, out: string): SidecarResult {
  switch (code) {
    case 0:
      return { kind: "ok", sha256: out };
    case 1:
      return { kind: "malformed" };
    case 2:
      return { kind: "missing" };
    case 3:
      return { kind: "ambiguous" };
    default:
      throw new RangeError(`Unexpected status ${code} (${out})`);
  }
}

Deno.test("tmpfs_root_parse_sidecar agrees with the model's parseSidecar under dash, busybox ash and bash", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = sidecars(300);
    for (const [i, bytes] of files.entries()) await Deno.writeFile(`${dir}/${i}`, bytes);
    const script = [
      functionText("tmpfs-root-params.sh", "tmpfs_root_lower"),
      functionText(LIB, "tmpfs_root_parse_sidecar"),
      'for f in "$@"; do',
      `  sum="$(tmpfs_root_parse_sidecar "$f" ${NAME})"; printf '%s %s\\n' "$?" "$sum"`,
      "done",
    ].join("\n");
    const want = files.map((b) => parseSidecar(b, NAME));
    assert.ok(want.some((w) => w.kind === "ok") && want.some((w) => w.kind === "ambiguous"));
    for (const [name, shell] of SHELLS) {
      const out = await runShell(shell, script, files.map((_, i) => `${dir}/${i}`));
      assert.equal(out.stderr, "", name);
      const got = out.stdout.trimEnd().split("\n").map((l) => {
        const [code, sum] = l.split(" ");
        return fromShell(Number(code), sum ?? "");
      });
      got.forEach((g, i) => {
        const text = new TextDecoder("latin1").decode(files[i]);
        assert.deepEqual(g, want[i], `${name}: ${JSON.stringify(text)}`);
      });
      assert.equal(got.length, files.length, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** docs/safety.md's block of commands that makes a key pair and signs a sidecar. */
async function signingCommands(): Promise<string> {
  const doc = await Deno.readTextFile(new URL("../../docs/safety.md", import.meta.url));
  const blocks = [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes("openssl genpkey"));
  if (block === undefined) throw new RangeError("docs/safety.md has no block with openssl genpkey");
  return block;
}

Deno.test("the signing commands of docs/safety.md make a signature that tmpfs_root_check_signature accepts", async () => {
  await requireProgram("openssl");
  const commands = await signingCommands();
  assert.deepEqual(commands.trimEnd().split("\n"), [
    "openssl genpkey -algorithm ed25519 -out site.key",
    "openssl pkey -in site.key -pubout -out site.pub",
    "sha256sum rootfs.tar.zst > rootfs.tar.zst.sha256",
    "openssl pkeyutl -sign -inkey site.key -rawin -in rootfs.tar.zst.sha256 -out rootfs.tar.zst.sha256.sig",
  ]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/rootfs.tar.zst`, crypto.getRandomValues(new Uint8Array(4096)));
    // As an operator runs them, in the folder of the archive; then another key pair.
    const sign = `cd "$1" && set -e\n${commands}`;
    const other = `cd "$1" && set -e\n${
      commands.split("\n").slice(0, 2).join("\n").replaceAll("site.", "other.")
    }`;
    for (const s of [sign, other]) {
      const made = await runShell(["bash"], s, [dir]);
      assert.equal(made.code, 0, made.stderr);
    }
    const d = dir;
    const script = [
      functionText(LIB, "tmpfs_root_check_signature"),
      functionText("tmpfs-root-params.sh", "tmpfs_root_lower"),
      functionText(LIB, "tmpfs_root_parse_sidecar"),
      `mkdir "${d}/keys" "${d}/others" "${d}/both" "${d}/none"`,
      `cp "${d}/site.pub" "${d}/keys/" && cp "${d}/other.pub" "${d}/others/"`,
      `cp "${d}/site.pub" "${d}/other.pub" "${d}/both/"`,
      `cp "${d}/site.key" "${d}/private.pem" && mkdir "${d}/private" && mv "${d}/private.pem" "${d}/private/"`,
      `s="${d}/rootfs.tar.zst.sha256"`,
      "for k in keys others both none private; do",
      `  tmpfs_root_check_signature "$s" "$s.sig" "${d}/$k"; echo "$k $?"`,
      "done",
      // Every hex digit turned into the next one: a sidecar that always differs, still well formed.
      `tr 0123456789abcdef 123456789abcdef0 <"$s" >"${d}/changed"`,
      `! cmp -s "$s" "${d}/changed" || echo "the changed sidecar is the same" >&2`,
      `tmpfs_root_check_signature "${d}/changed" "$s.sig" "${d}/keys"; echo "changed $?"`,
      `tmpfs_root_check_signature "$s" "${d}/rootfs.tar.zst" "${d}/keys"; echo "garbage $?"`,
      `tmpfs_root_parse_sidecar "$s" rootfs.tar.zst; echo " $?"`,
    ].join("\n");
    const out = await runShell(["dash"], script);
    assert.equal(out.stderr, "");
    const digest = (await new Deno.Command("sha256sum", { args: [`${dir}/rootfs.tar.zst`] })
      .output()).stdout;
    assert.deepEqual(out.stdout.trimEnd().split("\n"), [
      "keys 0",
      "others 1",
      "both 0",
      "none 1",
      // A private key is no public key: it verifies nothing.
      "private 1",
      "changed 1",
      "garbage 1",
      `${new TextDecoder().decode(digest).slice(0, 64)} 0`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
