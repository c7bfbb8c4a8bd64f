/**
 * Keys, sidecars and signatures for the `sign` boots, made with the
 * standard tools exactly as docs/safety.md tells an operator to: an
 * Ed25519 key pair from `openssl genpkey`, a sidecar from `sha256sum`, a
 * signature from `openssl pkeyutl -sign -rawin`. Cached under
 * `.cache/e2e-sign/` (Ed25519 signatures are deterministic, so a sidecar
 * signed again gives the same bytes).
 *
 * @module
 */
import $ from "dax";
import { basename } from "node:path";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists } from "./_paths.ts";

const SIGN_DIR = `${CACHE_DIR}/e2e-sign`;

/** A key pair: the private key's and the public key's paths. */
export interface KeyPair {
  readonly key: string;
  readonly pub: string;
}

/** The key pair named `name` (`site`, `stranger`), made once. */
export async function keyPair(name: string): Promise<KeyPair> {
  const dir = `${SIGN_DIR}/keys`;
  const pair = { key: `${dir}/${name}.key`, pub: `${dir}/${name}.pub` };
  if (await exists(pair.pub)) return pair;
  await Deno.mkdir(dir, { recursive: true });
  await $`openssl genpkey -algorithm ed25519 -out ${pair.key}`;
  await $`openssl pkey -in ${pair.key} -pubout -out ${`${pair.pub}.tmp`}`;
  await Deno.rename(`${pair.pub}.tmp`, pair.pub);
  return pair;
}

/** What to lay beside an archive. */
export interface SidecarSpec {
  /** The archive's file, on the host. */
  readonly archive: string;
  /** Its name on the source (`rootfs.tar.gz`), which the sidecar's line names. */
  readonly name: string;
  /** Sign the sidecar with this key; none for an unsigned one. */
  readonly signWith?: KeyPair;
  /** Change the sidecar's digest after signing (a sidecar edited after the fact). */
  readonly tamper?: boolean;
  /** Give the sidecar this digest instead of the archive's own. */
  readonly digest?: string;
}

/**
 * Makes `<name>.sha256` (as `sha256sum` writes it) and, when signing,
 * `<name>.sha256.sig`; returns them as source paths to host files.
 */
export async function sidecarFiles(spec: SidecarSpec): Promise<Record<string, string>> {
  const digest = spec.digest ?? await sha256Hex(await Deno.readFile(spec.archive));
  const pub = spec.signWith === undefined ? "" : await Deno.readTextFile(spec.signWith.pub);
  const key = (await sha256Hex(JSON.stringify({ digest, name: spec.name, pub, t: spec.tamper })))
    .slice(0, 16);
  const dir = `${SIGN_DIR}/${key}`;
  const sidecar = `${dir}/${basename(spec.name)}.sha256`;
  const files: Record<string, string> = { [`${spec.name}.sha256`]: sidecar };
  if (spec.signWith !== undefined) files[`${spec.name}.sha256.sig`] = `${sidecar}.sig`;
  if (await exists(`${dir}/done`)) return files;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(sidecar, `${digest}  ${basename(spec.name)}\n`);
  if (spec.signWith !== undefined) {
    await $`openssl pkeyutl -sign -inkey ${spec.signWith.key} -rawin -in ${sidecar} -out ${`${sidecar}.sig`}`;
  }
  if (spec.tamper) {
    const other = [...digest].map((c) => c === "0" ? "1" : "0").join("");
    await Deno.writeTextFile(sidecar, `${other}  ${basename(spec.name)}\n`);
  }
  await Deno.writeTextFile(`${dir}/done`, "");
  return files;
}
