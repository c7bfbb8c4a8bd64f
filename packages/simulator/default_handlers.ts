import { fileAt, findExport, findVolume } from "./_devices.ts";
import type { FetchResult, Handlers, Machine } from "./handlers.ts";
import { openArchive } from "./open_archive.ts";
import type { Failure, Mount } from "./trace.ts";

function spec(m: Machine): string {
  return m.source.spec;
}

function mountBlock(m: Machine, mount: Mount): Failure {
  const found = findVolume(m.vm, m.args, mount.source);
  const fs = found?.volume.fs === undefined ? "ext4" : found.volume.fs;
  if (found === null || found.appearsAt === null || found.appearsAt > m.time || fs === null) {
    return `device ${mount.source} (${spec(m)}) could not be mounted read-only`;
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
    return `NFS server ${server} did not answer`;
  }
  const exp = findExport(m.vm, server, path);
  if (exp === null || exp.up === false) return `${mount.source} is not exported`;
  const wanted = nfsVersions(mount.fstype ?? "nfs", mount.options);
  const offered = exp.versions ?? [3, 4];
  if (!wanted.some((v) => offered.includes(v))) {
    return `NFS server ${server} does not offer NFS version ${wanted.join(" or ")}`;
  }
  return null;
}

function fetchUrl(m: Machine, url: string, attempt: number): FetchResult {
  const res = m.vm.web.find((w) => w.url === url);
  if (res === undefined) {
    const origin = (u: string) => /^[a-z]+:\/\/[^/]*/.exec(u)?.[0];
    return m.vm.web.some((w) => origin(w.url) === origin(url))
      ? { kind: "status", status: 404 }
      : { kind: "refused" };
  }
  if (attempt <= (res.failFirst ?? 0)) {
    const how = res.failWith ?? "refused";
    if (how === "refused") return { kind: "refused" };
    if (how === "drop") return { kind: "dropped", received: Math.floor(res.body.length / 2) };
    return { kind: "status", status: how };
  }
  const status = res.status ?? 200;
  if (status !== 200) return { kind: "status", status };
  if (res.dropAfter !== undefined && res.dropAfter !== null && res.dropAfter < res.body.length) {
    return { kind: "dropped", received: res.dropAfter };
  }
  return { kind: "ok", body: res.body };
}

/**
 * The handlers that act on the virtual machine's description: devices
 * appear when their `appearsAt` says, mounts fail as the disks and exports
 * say, files are read from the mounted source's tree, downloads follow the
 * web resource's status and failures. Wrap one to inject a fault.
 *
 * @example
 * ```ts
 * import { defaultHandlers } from "./default_handlers.ts";
 * import type { Handlers } from "./handlers.ts";
 * const mountFails: Partial<Handlers> = {
 *   mount: (m, mount) => mount.fstype === "tmpfs" ? "no memory" : defaultHandlers.mount(m, mount),
 * };
 * typeof mountFails.mount; // "function"
 * ```
 */
export const defaultHandlers: Handlers = {
  waitForDevice(m, device, timeout) {
    const found = findVolume(m.vm, m.args, device);
    if (found === null || found.appearsAt === null) return null;
    const at = Math.max(found.appearsAt, m.time);
    return at <= m.time + timeout ? at : null;
  },
  mount(m, mount) {
    switch (mount.fstype) {
      case "tmpfs":
        return null;
      case "nfs":
      case "nfs4":
        return mountNfs(m, mount);
      case null:
        return mountBlock(m, mount);
      default:
        return `unknown file system type ${mount.fstype}`;
    }
  },
  unmount(m, target) {
    return m.mounts.some((x) => x.target === target) ? null : `${target} is not mounted`;
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
  verify() {
    return null;
  },
  relabel() {
    return null;
  },
};
