/**
 * Turns a scenario into the files the stub environment reads under /vm:
 * the command line, the flavour, the fault table, the device nodes udev
 * makes at each second, the volumes' files, the answers of the NFS
 * server and the web servers, the initramfs's public keys and which
 * signatures they verify (from the simulator's own default handlers).
 *
 * @module
 */
import {
  archiveUrls,
  DECOMPRESSOR_PROGRAMS,
  IMGFILE,
  layerList,
  MANIFEST_SUFFIX,
  parseParams,
  readCmdline,
  SIDECAR_SUFFIX,
  SIGNATURE_SUFFIX,
  type Source,
  sourceKind,
  SOURCES,
} from "@tmpfs-root/model";
import {
  defaultHandlers,
  type FetchResult,
  type FileTree,
  type Machine,
  machineVolumes,
  sha256Hex,
  tmpfsBytes,
  type Vm,
} from "@tmpfs-root/simulator";
import { faultLines, type Scenario, SOURCE_MOUNTPOINT } from "./scenario.ts";

/** A file's content, or a symbolic link. */
export type Entry = string | Uint8Array | { readonly symlink: string };

/** A scenario's folder, and the shared volumes it links to. */
export interface ScenarioFiles {
  /** Files by path inside the scenario's folder. */
  readonly files: ReadonlyMap<string, Entry>;
}

/** Shared file trees by id, written once per sandbox under /vols/<id>. */
export class Volumes {
  readonly #ids = new Map<FileTree, number>();
  /** The trees, by id. */
  readonly trees: FileTree[] = [];

  /** The id of a tree (the same tree object, the same id). */
  id(tree: FileTree): number {
    let id = this.#ids.get(tree);
    if (id === undefined) {
      id = this.trees.length;
      this.trees.push(tree);
      this.#ids.set(tree, id);
    }
    return id;
  }
}

const EMPTY: FileTree = {};

/** The most volumes (disks and active logical volumes) a machine may have: the sandbox's block nodes. */
export const MAX_VOLUMES = 8;

/**
 * The files of `scenario`'s folder; shared trees go to `volumes`.
 *
 * @example
 * ```ts
 * import { scenarioFiles, Volumes } from "./scenario_files.ts";
 * const vm = { flavour: "classic", ram: 1 << 20, disks: [], lvm: [], nfs: [], web: [] } as const;
 * const f = await scenarioFiles({ cmdline: "quiet", vm, fault: { kind: "none" } }, new Volumes());
 * f.files.get("flavour"); // "classic"
 * ```
 */
export async function scenarioFiles(scenario: Scenario, volumes: Volumes): Promise<ScenarioFiles> {
  const { vm, cmdline } = scenario;
  const files = new Map<string, Entry>();
  files.set("cmdline", `${cmdline}\n`);
  files.set("flavour", vm.flavour);
  const faults = faultLines(scenario.fault);
  if (faults.length > 0) files.set("faults", `${faults.join("\n")}\n`);
  const args = readCmdline(cmdline);

  // udev: the devices due at second <t> are links under udev/<t>/, copied into /dev then. A
  // volume's kernel name links to the block node /.nodes/<minor> (major 240, minor = its index
  // here), which the stub mount follows; udev's names link to the kernel name.
  const claimed = new Set<string>();
  const volumesInOrder = machineVolumes(vm, args).map(({ volume, names }) => ({
    v: volume,
    primary: names[0]!,
    names: names.slice(1),
  }));
  if (volumesInOrder.length > MAX_VOLUMES) {
    throw new RangeError(`Too many volumes: ${volumesInOrder.length}, at most ${MAX_VOLUMES}`);
  }
  volumesInOrder.forEach(({ v, primary, names }, minor) => {
    files.set(`vol/${minor}/files`, { symlink: `/vols/${volumes.id(v.files ?? EMPTY)}` });
    if (v.fs === null) files.set(`vol/${minor}/nofs`, "");
    if (claimed.has(primary)) return;
    // As the simulator's machines: a name belongs to the first volume that has it, even one
    // that appears later than another (or never).
    const mine = [primary, ...names.filter((n) => !claimed.has(n))];
    for (const n of mine) claimed.add(n);
    const at = v.appearsAt === undefined ? 0 : v.appearsAt;
    if (at === null) return;
    const under = (p: string) => `udev/${at}/${p.slice("/dev/".length)}`;
    if (!primary.startsWith("/dev/")) throw new RangeError(`Invalid device path "${primary}"`);
    files.set(under(primary), { symlink: `/.nodes/${minor}` });
    for (const name of mine.slice(1)) files.set(under(name), { symlink: primary });
  });

  for (const [name, key] of Object.entries(vm.keys ?? {})) files.set(`keys/${name}`, key);
  const keys = Object.keys(vm.keys ?? {}).length > 0;
  // What the initramfs lacks: the driver hides those programs of the tools folder, and its
  // record of the kinds it boots (a link to /vm/sources) says which it has.
  if (vm.sources !== undefined) files.set("sources", `${vm.sources.join(" ")}\n`);
  if (vm.decompressors !== undefined) {
    const kept = new Set<string>(vm.decompressors);
    const hidden = Object.entries(DECOMPRESSOR_PROGRAMS).filter(([f]) => !kept.has(f))
      .flatMap(([, programs]) => programs);
    files.set("without", hidden.map((p) => `${p}\n`).join(""));
  }
  const parsed = parseParams(args, SOURCES, {
    keys,
    ...(vm.sources === undefined ? {} : { sources: vm.sources }),
  });
  if (parsed.kind !== "ok") return { files };
  const { source, values } = parsed.params;
  // With layers, the driver logs the booted tree (expectedLog's treeLines).
  if (layerList(values[IMGFILE.key]!).length > 1) files.set("tree", "");
  const size = values.size!;
  files.set("sizes", `${size}\t${Math.min(tmpfsBytes(size, vm.ram), vm.ram)}\n`);
  // /proc/meminfo's MemTotal, in kB: what the fit step sizes a tmpfs from a manifest with.
  files.set("meminfo", `MemTotal:       ${Math.floor(vm.ram / 1024)} kB\n`);
  if (vm.numaNodes !== undefined) files.set("numa", `${vm.numaNodes}\n`);
  const machine: Machine = { vm, args, source, values, time: 0, mounts: [] };
  if (keys) files.set("signatures", await signatures(machine));
  // The stubs answer as the kind's descriptor says: NFS mounts it, a streamed kind downloads it.
  if (source.kind === "nfs") await nfsAnswer(files, machine, source, volumes);
  if (sourceKind(source.kind).access === "streamed" && source.kind === "http") {
    const urls = new Set(vm.web.map((w) => w.url));
    // The source's URL and every mirror's, each with its sidecar and signature.
    const archives = archiveUrls(parsed.params);
    for (const archive of archives) {
      urls.add(archive);
      urls.add(`${archive}${MANIFEST_SUFFIX}`);
      if (values.verify !== "none") {
        urls.add(`${archive}${SIDECAR_SUFFIX}`);
        urls.add(`${archive}${SIDECAR_SUFFIX}${SIGNATURE_SUFFIX}`);
      }
    }
    let k = 0;
    for (const url of urls) {
      files.set(`web/${k}/url`, url);
      // A URL is asked once a round, or more when the command line names it twice.
      for (let attempt = 1; attempt <= (Number(values.retries) + 1) * archives.length; attempt++) {
        const r = await defaultHandlers.fetch(machine, url, attempt);
        const p = `web/${k}/${attempt}`;
        // What curl's --write-out reports: the last answer's status and its Retry-After.
        files.set(`${p}.code`, httpCodeOf(r));
        if (r.kind === "status" && r.retryAfter !== undefined) {
          files.set(`${p}.retry`, r.retryAfter);
        }
        switch (r.kind) {
          case "ok":
            files.set(`${p}.rc`, "0");
            files.set(`${p}.body`, r.body);
            if (r.endless) files.set(`${p}.endless`, "");
            break;
          case "stalled":
            files.set(`${p}.stall`, "");
            files.set(`${p}.body`, r.body);
            files.set(`${p}.bytes`, String(r.body.length));
            break;
          case "protocol":
            files.set(`${p}.rc`, "1");
            files.set(`${p}.err`, `${r.error}\n`);
            break;
          case "dropped":
            files.set(`${p}.rc`, "18");
            files.set(`${p}.body`, r.body);
            files.set(`${p}.err`, `${r.error}\n`);
            break;
          case "status":
            files.set(`${p}.rc`, "22");
            files.set(`${p}.err`, `${r.error}\n`);
            break;
          case "refused":
            files.set(`${p}.rc`, "7");
            files.set(`${p}.err`, `${r.error}\n`);
            break;
        }
      }
      k++;
    }
    // The random bytes the pauses' jitter draws from, one per try at most.
    const random = new Uint8Array((Number(values.retries) + 1) * archives.length);
    for (let i = 0; i < random.length; i++) random[i] = await defaultHandlers.random(machine, i);
    files.set("urandom", random);
  }
  return { files };
}

/** The status curl's `%{http_code}` gives for an answer: `000` when none came. */
function httpCodeOf(r: FetchResult): string {
  switch (r.kind) {
    case "status":
      return String(r.status);
    case "protocol":
      return "302";
    case "refused":
      return "000";
    default:
      return "200";
  }
}

/**
 * The stub openssl's table: `<key's file name> <sha256 of a sidecar>
 * <sha256 of a signature>` and a tab, for each key of the initramfs and
 * each sidecar and signature anywhere on the machine (a file named
 * `*.sha256` or `*.sig`, or what a web server sends for such a URL) that
 * the simulator's handler finds verified.
 */
async function signatures(m: Machine): Promise<string> {
  const sidecars = new Map<string, Uint8Array>();
  const sigs = new Map<string, Uint8Array>();
  const add = async (name: string, bytes: Uint8Array) => {
    if (name.endsWith(SIDECAR_SUFFIX)) sidecars.set(await sha256Hex(bytes), bytes);
    if (name.endsWith(SIGNATURE_SUFFIX)) sigs.set(await sha256Hex(bytes), bytes);
  };
  for (const tree of treesOf(m.vm)) {
    for (const [name, bytes] of Object.entries(tree)) await add(name, bytes);
  }
  for (const w of m.vm.web) {
    const r = await defaultHandlers.fetch(m, w.url, Number.MAX_SAFE_INTEGER);
    if (r.kind === "ok") await add(w.url, r.body);
  }
  const lines: string[] = [];
  for (const key of Object.keys(m.vm.keys ?? {})) {
    for (const [d, data] of sidecars) {
      for (const [s, sig] of sigs) {
        if (await defaultHandlers.verifySignature(m, key, data, sig)) {
          lines.push(`${key} ${d} ${s}\tverified\n`);
        }
      }
    }
  }
  return lines.join("");
}

/** Every file tree of a machine: its disks', volumes' and exports'. */
function treesOf(vm: Vm): FileTree[] {
  return [...vm.disks, ...vm.lvm, ...vm.nfs].map((v) => v.files ?? EMPTY);
}

async function nfsAnswer(
  files: Map<string, Entry>,
  m: Machine,
  src: Extract<Source, { kind: "nfs" }>,
  volumes: Volumes,
): Promise<void> {
  const target = `${src.server}:${src.export}`;
  files.set("nfs/key", `${src.fstype} ${src.options} ${target}`);
  const error = await defaultHandlers.mount(m, {
    fstype: src.fstype,
    source: target,
    target: SOURCE_MOUNTPOINT,
    options: src.options,
  });
  if (error !== null) files.set("nfs/error", `${error}\n`);
  const exp = m.vm.nfs.find((e) => e.server === src.server && e.export === src.export);
  files.set("nfs/files", { symlink: `/vols/${volumes.id(exp?.files ?? EMPTY)}` });
}
