/**
 * A throw-away certificate authority and server certificate for HTTPS boot tests, made with the
 * `openssl` command line.
 *
 * The server certificate carries IP subject alternative names for 10.0.2.2 (the host as seen by a
 * QEMU user-networking guest) and 127.0.0.1, and a DNS name (default `boot.tmpfs-root.test`), so a
 * guest that trusts `caCert` can fetch `https://10.0.2.2:PORT/...` and tools inside the namespace
 * can use `curl --resolve`.
 *
 * @example
 * ```ts ignore
 * import { makeTestCa } from "./tls.ts";
 *
 * const tls = await makeTestCa("/tmp/tls");
 * // tls.caCert goes into the initramfs (or curl --cacert), tls.cert and tls.key to the server.
 * ```
 * @module
 */

/** Files written by {@linkcode makeTestCa}; all paths are absolute. */
export interface TlsFiles {
  /** Directory holding every file. */
  readonly dir: string;
  /** The CA certificate (PEM), for clients' trust stores. */
  readonly caCert: string;
  /** The CA private key (PEM). */
  readonly caKey: string;
  /** The server certificate (PEM). */
  readonly cert: string;
  /** The server private key (PEM, unencrypted). */
  readonly key: string;
  /** Server certificate followed by the CA certificate (PEM). */
  readonly fullChain: string;
  /** DNS names in the server certificate. */
  readonly hostnames: readonly string[];
  /** IP addresses in the server certificate. */
  readonly ips: readonly string[];
}

/** Options for {@linkcode makeTestCa}. */
export interface TlsOptions {
  /** DNS names for the server certificate. Default `["boot.tmpfs-root.test"]`. */
  hostnames?: readonly string[];
  /** IP addresses for the server certificate. Default `["10.0.2.2", "127.0.0.1"]`. */
  ips?: readonly string[];
  /** Validity in days. Default 2. */
  days?: number;
  /** Key type. Default `"rsa"` (2048 bits, the widest client support); `"ec"` is P-256. */
  keyType?: "rsa" | "ec";
  /** Common name of the CA, to tell several test CAs apart. Default `"tmpfs-root test CA"`. */
  caName?: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `Command "openssl ${args.join(" ")}" failed with exit code ${out.code}: ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
}

const NAME_RE = /^[A-Za-z0-9.-]+$/;
const IP_RE = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9A-Fa-f:]+$/;

/**
 * Make a CA and a server certificate signed by it in `dir` (created if missing).
 *
 * @example
 * ```ts ignore
 * const tls = await makeTestCa(`${ns.tmpDir}/tls`, { hostnames: ["images.test"] });
 * await ns.run(["curl", "--cacert", tls.caCert, "https://10.0.2.2:8443/"]);
 * ```
 */
export async function makeTestCa(dir: string, options: TlsOptions = {}): Promise<TlsFiles> {
  const hostnames = options.hostnames ?? ["boot.tmpfs-root.test"];
  const ips = options.ips ?? ["10.0.2.2", "127.0.0.1"];
  const days = options.days ?? 2;
  const caName = options.caName ?? "tmpfs-root test CA";
  for (const h of hostnames) {
    if (!NAME_RE.test(h)) throw new TypeError(`Invalid hostname "${h}": expected a DNS name`);
  }
  for (const ip of ips) {
    if (!IP_RE.test(ip)) throw new TypeError(`Invalid IP address "${ip}": expected IPv4 or IPv6`);
  }
  if (!/^[A-Za-z0-9 ._-]+$/.test(caName)) {
    throw new TypeError(`Invalid CA name "${caName}": expected letters, digits, spaces, ".-_"`);
  }
  if (hostnames.length + ips.length === 0) {
    throw new RangeError("Invalid certificate names: expected at least one hostname or IP");
  }
  await Deno.mkdir(dir, { recursive: true });
  dir = await Deno.realPath(dir);
  const newKey = options.keyType === "ec"
    ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    : ["-newkey", "rsa:2048"];

  await openssl([
    "req",
    "-x509",
    ...newKey,
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    String(days),
    "-subj",
    `/CN=${caName}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-addext",
    "subjectKeyIdentifier=hash",
  ], dir);

  const san = [...hostnames.map((h) => `DNS:${h}`), ...ips.map((ip) => `IP:${ip}`)].join(",");
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=${san}`,
      "subjectKeyIdentifier=hash",
      "authorityKeyIdentifier=keyid,issuer",
      "",
    ].join("\n"),
  );
  await openssl([
    "req",
    ...newKey,
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    `/CN=${hostnames[0] ?? ips[0]}`,
  ], dir);
  await openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-set_serial",
    `0x${
      crypto.getRandomValues(new Uint8Array(8)).reduce((s, b) =>
        s + b.toString(16).padStart(2, "0"), "1")
    }`,
    "-days",
    String(days),
    "-extfile",
    "server.ext",
    "-out",
    "server.pem",
  ], dir);
  const chain = (await Deno.readTextFile(`${dir}/server.pem`)) +
    (await Deno.readTextFile(`${dir}/ca.pem`));
  await Deno.writeTextFile(`${dir}/fullchain.pem`, chain);
  return {
    dir,
    caCert: `${dir}/ca.pem`,
    caKey: `${dir}/ca.key`,
    cert: `${dir}/server.pem`,
    key: `${dir}/server.key`,
    fullChain: `${dir}/fullchain.pem`,
    hostnames: [...hostnames],
    ips: [...ips],
  };
}
