/**
 * Glue for real boots from network sources: a guest archive that also checks
 * the network after switch-root, the folder the NFS and HTTP servers share,
 * a test CA baked into the initramfs, and a {@linkcode BootContext} factory
 * that starts a private network namespace with nfs-ganesha and the
 * fault-injecting HTTP(S) server for one boot, runs QEMU inside it (user
 * networking: the guest reaches the servers at 10.0.2.2, and nothing leaves
 * the machine), then checks what the servers saw and tears everything down.
 *
 * @module
 */
import $ from "dax";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists, LOG_DIR, writeAtomic } from "./_paths.ts";
import { buildGuestArchive } from "./guest.ts";
import { type HttpFaults, type HttpLogEntry, type HttpServer, startHttp } from "./http_server.ts";
import { createNamespace } from "./netns.ts";
import { type NfsMode, type NfsServer, startNfs } from "./nfs_server.ts";
import { type BootContext, bothFlavours, type Scenario } from "./scenario.ts";
import { makeTestCa, type TlsFiles } from "./tls.ts";

const NET_DIR = `${CACHE_DIR}/e2e-net`;

/** The plain HTTP server's port in every namespace (also the guest's probe). */
export const HTTP_PORT = 8080;
/** The HTTPS server's port. */
export const HTTPS_PORT = 8443;
/** The NFS export path the guest mounts. */
export const NFS_EXPORT = "/nfsexport";
/** Where the archive lies, relative to the NFS export and the web root. */
export const IMGFILE = "images/rootfs.tar.gz";
/** A web page where an archive should be: 2 MiB, far more than a pipe holds. */
export const HTML_PAGE = "images/index.html";
/** Where the test CA lies inside the initramfs (for `rd.tmpfs.cafile=`). */
export const CAFILE_IN_INITRD = "/etc/tmpfs-root/ca.pem";

/** The text of the probe file the guest fetches after switch-root. */
const PROBE_TEXT = "tmpfs-root network probe";

/**
 * Shell appended to the guest's `/etc/e2e-expect` (sourced by its init after
 * the root and release checks): an interface other than loopback holds an
 * IPv4 address, and the host's HTTP server answers, after switch-root.
 */
export const NETWORK_CHECKS = String.raw`
# network checks (e2e/lib/network_env.ts)
check_network() {
  _inet=$(ip -4 addr show 2>/dev/null | grep ' inet ' | grep -v ' 127\.')
  if [ -z "$_inet" ]; then
    fail "no interface holds an IPv4 address after switch-root ($(ip -o link 2>&1 | tr '\n' ' ' | head -c 300))"
    return
  fi
  note "network: $(printf %s "$_inet" | head -n 1 | tr -s ' ')"
  # (busybox 1.35 wget -T segfaults: use timeout(1) instead.)
  _probe=$(timeout 20 wget -O - http://10.0.2.2:${HTTP_PORT}/e2e-probe.txt 2>/tmp/wget.err)
  [ "$_probe" = "${PROBE_TEXT}" ] ||
    fail "the network is not usable after switch-root: wget http://10.0.2.2:${HTTP_PORT}/e2e-probe.txt gave '$_probe' ($(tr '\n' ' ' </tmp/wget.err | head -c 200); links: $(ip -o link 2>&1 | tr '\n' ' ' | head -c 300); routes: $(ip route 2>&1 | tr '\n' ' '))"
}
check_network
`;

const memos = new Map<string, Promise<unknown>>();

/** Memoizes an async factory by key, for this process. */
function memo<T>(key: string, f: () => Promise<T>): Promise<T> {
  const m = memos.get(key) as Promise<T> | undefined;
  if (m) return m;
  const p = f();
  memos.set(key, p);
  return p;
}

/**
 * The small guest archive with {@linkcode NETWORK_CHECKS} appended to its
 * `/etc/e2e-expect`: a second tar member of that name, which replaces the
 * first on extraction.
 */
export function networkArchive(): Promise<string> {
  return memo("archive", async () => {
    const base = await buildGuestArchive({});
    const key = (await sha256Hex(JSON.stringify({ base: base.path, NETWORK_CHECKS }))).slice(0, 12);
    const out = `${NET_DIR}/archive-${key}/rootfs.tar.gz`;
    if (await exists(out)) return out;
    const work = await Deno.makeTempDir({ dir: await mkdirp(NET_DIR), prefix: ".tmp-" });
    try {
      await Deno.mkdir(`${work}/stage/etc`, { recursive: true });
      await $`pigz -dc ${base.path}`.stdout($.path(`${work}/rootfs.tar`));
      const expect = await $`tar -xOf ${`${work}/rootfs.tar`} ./etc/e2e-expect`.text();
      await Deno.writeTextFile(`${work}/stage/etc/e2e-expect`, `${expect}\n${NETWORK_CHECKS}`);
      await $`tar --numeric-owner --owner=0 --group=0 -C ${`${work}/stage`} -rf ${`${work}/rootfs.tar`} ./etc/e2e-expect`;
      await Deno.mkdir(`${work}/out`);
      await $`pigz -n -6 -c ${`${work}/rootfs.tar`}`.stdout($.path(`${work}/out/rootfs.tar.gz`));
      await Deno.remove(out.replace(/\/[^/]+$/, ""), { recursive: true }).catch(() => {});
      await Deno.rename(`${work}/out`, out.replace(/\/[^/]+$/, ""));
      return out;
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  });
}

async function mkdirp(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

/**
 * The folder NFS exports and HTTP serves: `images/rootfs.tar.gz`, a web
 * page `images/index.html` and the probe file `e2e-probe.txt`.
 */
export function serverRoot(): Promise<string> {
  return memo("root", async () => {
    const archive = await networkArchive();
    const key = archive.split("/").at(-2)!;
    const root = `${NET_DIR}/root-${key}`;
    if (!(await exists(`${root}/${IMGFILE}`))) {
      await Deno.mkdir(`${root}/images`, { recursive: true });
      await Deno.writeTextFile(`${root}/e2e-probe.txt`, PROBE_TEXT);
      await Deno.copyFile(archive, `${root}/${IMGFILE}.tmp`);
      await Deno.rename(`${root}/${IMGFILE}.tmp`, `${root}/${IMGFILE}`);
    }
    if (!(await exists(`${root}/${HTML_PAGE}`))) {
      const page = `<!DOCTYPE html>\n<html><body>\n${
        "<p>not an archive</p>\n".repeat(100_000)
      }</body></html>\n`;
      await Deno.writeTextFile(`${root}/${HTML_PAGE}.tmp`, page);
      await Deno.rename(`${root}/${HTML_PAGE}.tmp`, `${root}/${HTML_PAGE}`);
    }
    return root;
  });
}

/** Hard-links (or copies) the files of `src` into `dest`, making folders as needed. */
async function linkTree(src: string, dest: string): Promise<void> {
  for await (const e of Deno.readDir(src)) {
    if (e.isDirectory) {
      await Deno.mkdir(`${dest}/${e.name}`, { recursive: true });
      await linkTree(`${src}/${e.name}`, `${dest}/${e.name}`);
    } else if (e.isFile) {
      await Deno.link(`${src}/${e.name}`, `${dest}/${e.name}`)
        .catch(() => Deno.copyFile(`${src}/${e.name}`, `${dest}/${e.name}`));
    }
  }
}

/**
 * A web root with the files of {@linkcode serverRoot} plus `extra` (a path
 * under the root, e.g. `holes/rootfs.tar` -> a host file), kept under
 * `.cache/e2e-net/` and keyed by the extra files' names, sizes and mtimes.
 */
export function serverRootWith(extra: Readonly<Record<string, string>>): Promise<string> {
  return memo(`root+${JSON.stringify(extra)}`, async () => {
    const base = await serverRoot();
    const stats: Record<string, string> = {};
    for (const [rel, host] of Object.entries(extra)) {
      if (rel === "" || rel.startsWith("/") || rel.split("/").includes("..")) {
        throw new RangeError(`Invalid web path "${rel}": expected a relative path without ..`);
      }
      const st = await Deno.stat(host);
      stats[rel] = `${host}:${st.size}:${st.mtime?.getTime()}`;
    }
    const key = (await sha256Hex(JSON.stringify({ base, stats }))).slice(0, 12);
    const root = `${base}+${key}`;
    if (await exists(root)) return root;
    const work = await Deno.makeTempDir({ dir: NET_DIR, prefix: ".tmp-root-" });
    try {
      await linkTree(base, work);
      for (const [rel, host] of Object.entries(extra)) {
        await Deno.mkdir(`${work}/${rel}`.replace(/\/[^/]*$/, ""), { recursive: true });
        await Deno.copyFile(host, `${work}/${rel}`);
      }
      await Deno.rename(work, root).catch(async (e) => {
        if (!(await exists(root))) throw e; // else another run made it first
      });
      return root;
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  });
}

/**
 * The test CA and server certificate, kept under `.cache/e2e-net/tls` and
 * remade when the certificate expires within a day. `caInitrd` is a copy of
 * the CA named by its hash, so an initramfs that bakes it in is rebuilt
 * (its cache key covers dracut's arguments) whenever the CA changes.
 */
export function ensureTestCa(): Promise<TlsFiles & { readonly caInitrd: string }> {
  // Once per process: the scenario tables call it at import, and two makers would race.
  return memo("tls", reuseOrMakeTestCa);
}

async function reuseOrMakeTestCa(): Promise<TlsFiles & { readonly caInitrd: string }> {
  const dir = `${NET_DIR}/tls`;
  let tls: TlsFiles | undefined;
  if (await exists(`${dir}/tls.json`)) {
    const t = JSON.parse(await Deno.readTextFile(`${dir}/tls.json`)) as TlsFiles;
    const fresh = await $`openssl x509 -checkend 86400 -noout -in ${t.cert}`.noThrow().quiet();
    if (fresh.code === 0) tls = t;
  }
  if (!tls) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    tls = await makeTestCa(dir, { days: 30, keyType: "ec" });
    await writeAtomic(`${dir}/tls.json`, JSON.stringify(tls, null, 2) + "\n");
  }
  const pem = await Deno.readTextFile(tls.caCert);
  const caInitrd = `${dir}/ca-${(await sha256Hex(pem)).slice(0, 12)}.pem`;
  if (!(await exists(caInitrd))) await writeAtomic(caInitrd, pem);
  return { ...tls, caInitrd };
}

/** What a network boot needs around it. */
export interface NetSetup {
  /** Start nfs-ganesha (v3 and v4) in this mode; no NFS server when absent. */
  readonly nfs?: NfsMode;
  /** Faults of the plain HTTP server (it always runs: the guest's probe uses it). */
  readonly httpFaults?: HttpFaults;
  /** Also serve HTTPS on {@linkcode HTTPS_PORT} with the test CA. */
  readonly https?: boolean;
  /** Faults (redirects, endless bodies, …) of the HTTPS server. */
  readonly httpsFaults?: HttpFaults;
  /**
   * More files for the servers' root (see {@linkcode serverRootWith}):
   * a path under the root -> a host file, made on demand.
   */
  readonly extraFiles?: () => Promise<Readonly<Record<string, string>>>;
  /**
   * After the boot, how many requests each server must have logged in
   * all (`{ http: 0 }`: the plain server saw nothing at all).
   */
  readonly expectRequestCount?: { readonly http?: number; readonly https?: number };
  /**
   * After the boot, the requests for `path` the HTTP(S) servers must have
   * logged, by outcome (`ok`, `dropped`, `not-found`, …), in order;
   * `a|b` accepts either (a client that stops reading may or may not
   * leave the server an error).
   */
  readonly expectRequests?: {
    readonly path: string;
    readonly outcomes: readonly string[];
    /** The least time between one request for the path and the next (a Retry-After honoured). */
    readonly minGapMs?: number;
  };
}

/** A one-line summary of a request log. */
function summary(log: readonly HttpLogEntry[]): string {
  return log.map((e) => `${e.method ?? "-"} ${e.path ?? "-"} ${e.outcome} ${e.bytes}B`).join(
    ", ",
  );
}

/**
 * A {@linkcode BootContext} factory for `Scenario.context`: a fresh network
 * namespace with the servers of `setup`, QEMU wrapped into it with a NIC on
 * user networking. Its cleanup writes the servers' logs to
 * `.cache/e2e-logs/<name>.servers.log` (the name of the scenario that boots,
 * else `name`), tears the namespace down, and throws
 * when the servers saw other requests than `setup.expectRequests` (the
 * harness then reports the scenario as failed).
 */
export function netContext(
  name: string,
  setup: NetSetup,
): (scenario?: Scenario) => Promise<BootContext> {
  return async (scenario?: Scenario) => {
    const logName = scenario?.name ?? name;
    const root = setup.extraFiles
      ? await serverRootWith(await setup.extraFiles())
      : await serverRoot();
    const tls = setup.https ? await ensureTestCa() : undefined;
    const ns = await createNamespace({ maxLifetimeSeconds: 900 });
    let nfs: NfsServer | undefined;
    const servers: HttpServer[] = [];
    try {
      if (setup.nfs) {
        nfs = await startNfs(ns, { exportDir: root, path: NFS_EXPORT, mode: setup.nfs });
      }
      servers.push(
        await startHttp(ns, {
          root,
          port: HTTP_PORT,
          ...(setup.httpFaults ? { faults: setup.httpFaults } : {}),
        }),
      );
      if (tls) {
        servers.push(
          await startHttp(ns, {
            root,
            port: HTTPS_PORT,
            tls,
            ...(setup.httpsFaults ? { faults: setup.httpsFaults } : {}),
          }),
        );
      }
    } catch (e) {
      await ns.close();
      throw e;
    }
    return {
      wrap: ns.wrap,
      net: true,
      cleanup: async () => {
        const problems: string[] = [];
        try {
          const logs: HttpLogEntry[] = [];
          const perServer = new Map<HttpServer, HttpLogEntry[]>();
          const text: string[] = [];
          for (const s of servers) {
            const r = await s.requests();
            logs.push(...r);
            perServer.set(s, r);
            text.push(`--- ${s.scheme} :${s.port}\n${r.map((e) => JSON.stringify(e)).join("\n")}`);
          }
          if (nfs) text.push(`--- nfs (${nfs.mode})\n${await nfs.logs()}`);
          await Deno.mkdir(LOG_DIR, { recursive: true });
          await Deno.writeTextFile(
            `${LOG_DIR}/${logName.replace(/[^A-Za-z0-9._-]+/g, "_")}.servers.log`,
            text.join("\n") + "\n",
          );
          for (const s of servers) {
            const count = setup.expectRequestCount?.[s.scheme];
            const seen = perServer.get(s) ?? [];
            if (count !== undefined && seen.length !== count) {
              problems.push(
                `the ${s.scheme} server saw ${seen.length} request(s) (${summary(seen)}), ` +
                  `expected ${count}`,
              );
            }
          }
          const want = setup.expectRequests;
          if (want) {
            const seen = logs.filter((e) => e.path === want.path).sort((a, b) => a.time - b.time);
            const matches = seen.length === want.outcomes.length &&
              seen.every((e, i) => want.outcomes[i]!.split("|").includes(e.outcome));
            const gaps = seen.slice(1).map((e, i) => e.time - seen[i]!.time);
            const short = gaps.find((g) => g < (want.minGapMs ?? 0));
            if (matches && short !== undefined) {
              problems.push(
                `requests for ${want.path} came ${short} ms apart, expected at least ${want.minGapMs} ms`,
              );
            }
            if (!matches) {
              problems.push(
                `the server saw ${seen.length} request(s) for ${want.path} ` +
                  `(${summary(seen)}), expected outcomes ${want.outcomes.join(",")}`,
              );
            }
          }
        } finally {
          await ns.close();
        }
        if (problems.length > 0) throw new Error(problems.join("; "));
      },
    };
  };
}

/** A scenario of a topic with an optional network setup, named without its flavour. */
export type NetScenario =
  & Omit<Scenario, "flavour" | "name" | "topic" | "context">
  & { readonly name: string; readonly net?: NetSetup };

/**
 * One scenario in each flavour (`bothFlavours`); with `net`, each gets its
 * own network namespace and servers, and 180 s unless it says otherwise.
 *
 * @example
 * ```ts ignore
 * const [classic, systemd] = bothFlavoursNet("verify", "verify-", { name: "x", cmdline, expect, net: {} });
 * ```
 */
export function bothFlavoursNet(topic: string, prefix: string, base: NetScenario): Scenario[] {
  const { net, ...rest } = base;
  return bothFlavours(topic, prefix, { ...(net ? { timeoutSec: 180 } : {}), ...rest }).map((s) =>
    net ? { ...s, context: netContext(s.name, net) } : s
  );
}
