import { redirectProtocols } from "@tmpfs-root/model";
import { fileAt, findExport, findVolume } from "./_devices.ts";
import { verifyEd25519 } from "./ed25519.ts";
import type { FetchResult, Handlers, Machine } from "./handlers.ts";
import { openArchive } from "./open_archive.ts";
import type { Failure, Mount } from "./trace.ts";

function present(m: Machine, path: string): boolean {
  const found = findVolume(m.vm, m.args, path);
  return found !== null && found.appearsAt !== null && found.appearsAt <= m.time;
}

function mountBlock(m: Machine, mount: Mount): Failure {
  if (!present(m, mount.source)) {
    return `mount: ${mount.target}: special device ${mount.source} does not exist.`;
  }
  const fs = findVolume(m.vm, m.args, mount.source)?.volume.fs;
  if (fs === null) {
    return `mount: ${mount.target}: wrong fs type, bad option, bad superblock on ${mount.source}, missing codepage or helper program, or other error.`;
  }
  return null;
}

function nfsVersions(fstype: string, options: string): number[] {
  if (fstype === "nfs4") return [4];
  for (const o of options.split(",")) {
    const v = /^(?:nfs)?vers=([0-9]+)/.exec(o);
    if (v) return [Number(v[1])];
  }
  return [4, 3];
}

function mountNfs(m: Machine, mount: Mount): Failure {
  const at = mount.source.indexOf(":/");
  const server = mount.source.slice(0, at);
  const path = mount.source.slice(at + 1);
  const known = m.vm.nfs.filter((e) => e.server === server);
  if (at < 0 || known.length === 0 || known.every((e) => e.up === false)) {
    return "mount.nfs: Connection timed out";
  }
  const exp = findExport(m.vm, server, path);
  if (exp === null || exp.up === false) {
    return `mount.nfs: access denied by server while mounting ${mount.source}`;
  }
  const wanted = nfsVersions(mount.fstype ?? "nfs", mount.options);
  const offered = exp.versions ?? [3, 4];
  if (!wanted.some((v) => offered.includes(v))) return "mount.nfs: Protocol not supported";
  return null;
}

/** The name spaces a tmpfs holds (Linux 6.6 and later also user.*). */
const TMPFS_XATTRS = /^(?:security|trusted|user)\./;

/**
 * What the kernel answers when tar sets `key` on a tmpfs: unknown name
 * spaces are not supported, and a file capability must be a version 2
 * (20 bytes) or version 3 (24 bytes) `vfs_cap_data`.
 */
function xattrError(key: string, value: string): Failure {
  if (!TMPFS_XATTRS.test(key)) return "Operation not supported";
  if (key === "security.capability") {
    const b = new TextEncoder().encode(value);
    const v2 = b.length === 20 && b[3] === 2;
    const v3 = b.length === 24 && b[3] === 3;
    if (!v2 && !v3) return "Invalid argument";
  }
  return null;
}

const origin = (u: string) => /^[a-z]+:\/\/([^/]*)/.exec(u)?.[1] ?? "";

function refused(url: string): FetchResult {
  const [host, port] = /^(.*?)(?::([0-9]+))?$/.exec(origin(url))!.slice(1);
  const p = port ?? (url.startsWith("https:") ? "443" : "80");
  return {
    kind: "refused",
    error:
      `curl: (7) Failed to connect to ${host} port ${p} after 0 ms: Couldn't connect to server`,
  };
}

function status(status: number, retryAfter?: string): FetchResult {
  return {
    kind: "status",
    status,
    error: `curl: (22) The requested URL returned error: ${status}`,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

/**
 * The byte at `offset` of the random source of a machine seeded with
 * `seed`: a SplitMix32-style hash of both, so any byte is drawn alone and
 * the same seed always gives the same bytes.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { randomByte } from "./default_handlers.ts";
 * assert.equal(randomByte(7, 3), randomByte(7, 3));
 * assert.ok(randomByte(7, 3) >= 0 && randomByte(7, 3) < 256);
 * ```
 */
export function randomByte(seed: number, offset: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b9) + Math.imul(offset + 1, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return ((z ^ (z >>> 15)) >>> 0) & 0xff;
}

function dropped(body: Uint8Array, received: number): FetchResult {
  return {
    kind: "dropped",
    body: body.subarray(0, received),
    error: `curl: (18) transfer closed with ${body.length - received} bytes remaining to read`,
  };
}

/** The error curl prints for a redirect to a protocol it may not follow. */
function protocol(to: string): FetchResult {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(to)?.[1] ?? to;
  return {
    kind: "protocol",
    error: `curl: (1) Protocol "${scheme}" not supported or disabled in libcurl`,
  };
}

/** Redirects followed at most (curl's default is 50; a loop of ours stops here). */
const MAX_REDIRECTS = 10;

function fetchUrl(m: Machine, url: string, attempt: number, hops = 0, asked = url): FetchResult {
  const res = m.vm.web.find((w) => w.url === url);
  if (res?.redirect !== undefined && hops < MAX_REDIRECTS) {
    const to = res.redirect;
    // curl's --proto-redir follows from the URL it was given (the source's or a mirror's).
    const allowed = redirectProtocols(asked).slice(1).split(",");
    if (!allowed.some((p) => to.startsWith(`${p}://`))) return protocol(to);
    return fetchUrl(m, to, attempt, hops + 1, asked);
  }
  if (res === undefined) {
    return m.vm.web.some((w) => origin(w.url) === origin(url)) ? status(404) : refused(url);
  }
  if (attempt <= (res.failFirst ?? 0)) {
    const how = res.failWith ?? "refused";
    if (how === "refused") return refused(url);
    if (how === "drop") return dropped(res.body, Math.floor(res.body.length / 2));
    return status(how, res.retryAfter);
  }
  if ((res.status ?? 200) !== 200) return status(res.status ?? 200, res.retryAfter);
  if (res.dropAfter !== undefined && res.dropAfter !== null && res.dropAfter < res.body.length) {
    return dropped(res.body, res.dropAfter);
  }
  if (res.stallAfter !== undefined && res.stallAfter !== null) {
    return { kind: "stalled", body: res.body.subarray(0, res.stallAfter) };
  }
  return { kind: "ok", body: res.body, ...(res.endless ? { endless: true } : {}) };
}

/** util-linux mount's first line for EINVAL (a tmpfs option the kernel refuses). */
export const MOUNT_EINVAL =
  "wrong fs type, bad option, bad superblock on tmpfs, missing codepage or helper program, or other error.";

/**
 * Whether the kernel refuses the `mpol=` of tmpfs `options` on a machine of
 * `nodes` NUMA nodes: it names a node the machine does not have.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { mpolRefused } from "./default_handlers.ts";
 * assert.equal(mpolRefused("size=1G,mpol=interleave", 1), false);
 * assert.equal(mpolRefused("size=1G,mpol=bind:0-1", 1), true);
 * assert.equal(mpolRefused("size=1G,mpol=prefer:1", 2), false);
 * ```
 */
export function mpolRefused(options: string, nodes: number): boolean {
  const mpol = /(?:^|,)mpol=([^,]*)/.exec(options)?.[1];
  if (mpol === undefined) return false;
  const named = [...mpol.matchAll(/[0-9]+/g)].map((n) => Number(n[0]));
  return named.some((n) => n >= nodes);
}

/**
 * The handlers that act on the virtual machine's description: devices
 * appear when their `appearsAt` says, mounts fail as the disks and exports
 * say, files are read from the mounted source's tree, downloads follow the
 * web resource's status and failures, signatures are checked (Ed25519)
 * against the machine's keys. Wrap one to inject a fault.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { BOOT } from "@tmpfs-root/model";
 * import { defaultHandlers } from "./default_handlers.ts";
 * import type { Handlers } from "./handlers.ts";
 * import { makeArchive } from "./make_archive.ts";
 * import { simulate } from "./simulate.ts";
 * import type { Vm } from "./vm.ts";
 * const mountFails: Partial<Handlers> = {
 *   mount: (m, mount) =>
 *     mount.fstype === "tmpfs" ? "mount: /sysroot: out of memory." : defaultHandlers.mount(m, mount),
 * };
 * const vm: Vm = {
 *   flavour: "classic", ram: 4 * 1024 ** 3, lvm: [], nfs: [], web: [],
 *   disks: [{ path: "/dev/vda1", files: { "rootfs.tgz": await makeArchive({ a: "x" }, "gzip") } }],
 * };
 * const r = await simulate(BOOT, vm, "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz", mountFails);
 * assert.equal(
 *   r.outcome.kind === "stopped" && r.outcome.message,
 *   "tmpfs-root: tmpfs failed: could not mount a tmpfs with size=50% on /sysroot: mount: /sysroot: out of memory.",
 * );
 * assert.deepEqual(r.mounts, []);
 * ```
 */
export const defaultHandlers: Handlers = {
  waitForDevice(m, device, timeout) {
    const found = findVolume(m.vm, m.args, device);
    if (found === null || found.appearsAt === null) return null;
    const at = Math.max(found.appearsAt, m.time);
    return at <= m.time + timeout ? at : null;
  },
  isDevice(m, path) {
    return present(m, path);
  },
  mount(m, mount) {
    if (mount.fstype === "tmpfs" || mount.options.startsWith("remount,")) {
      const refused = mpolRefused(mount.options, m.vm.numaNodes ?? 1);
      if (refused) return `mount: ${mount.target}: ${MOUNT_EINVAL}`;
    }
    if (mount.options.startsWith("remount,")) {
      // In the systemd flavour, sysroot.mount has mounted the tmpfs before the unpack service.
      return m.vm.flavour === "systemd" || m.mounts.some((x) => x.target === mount.target)
        ? null
        : `mount: ${mount.target}: mount point not mounted or bad option.`;
    }
    switch (mount.fstype) {
      case "tmpfs":
        return null;
      case "nfs":
      case "nfs4":
        return mountNfs(m, mount);
      case null:
        return mountBlock(m, mount);
      default:
        return `mount: ${mount.target}: unknown filesystem type '${mount.fstype}'.`;
    }
  },
  unmount(m, target) {
    return m.mounts.some((x) => x.target === target) ? null : `umount: ${target}: not mounted.`;
  },
  removeDir() {
    return null;
  },
  readFile(m, mount, path) {
    if (mount.fstype === null) {
      return fileAt(findVolume(m.vm, m.args, mount.source)?.volume.files, path);
    }
    const at = mount.source.indexOf(":/");
    const exp = findExport(m.vm, mount.source.slice(0, at), mount.source.slice(at + 1));
    return fileAt(exp?.files, path);
  },
  fetch: fetchUrl,
  openArchive,
  setXattr(_m, _name, key, value) {
    return xattrError(key, value);
  },
  relabel() {
    return null;
  },
  verifySignature(m, key, data, sig) {
    const file = m.vm.keys?.[key];
    return file === undefined ? false : verifyEd25519(file, data, sig);
  },
  random(m, offset) {
    return randomByte(m.vm.seed ?? 0, offset);
  },
};
