import { SIDECAR_SUFFIX, SIGNATURE_SUFFIX } from "@tmpfs-root/model";
import type { FileTree, Vm, WebResource } from "./vm.ts";

/** What to put beside every archive of a machine. */
export interface Sidecars {
  /** The sidecar's bytes, or `null` for none. */
  readonly sidecar: Uint8Array | null;
  /** The signature's bytes, or `null` for none. */
  readonly sig: Uint8Array | null;
  /** How a web server answers for the sidecar, beyond its body (a status, a drop...). */
  readonly web?: Partial<WebResource>;
}

/**
 * A machine with a sidecar `<archive>.sha256` and a signature
 * `<archive>.sha256.sig` beside every file of its disks, volumes and
 * exports and every resource of its web servers: the layout
 * `rd.tmpfs.verify` reads, for tests and generated scenarios.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { withSidecars } from "./with_sidecars.ts";
 * const vm = withSidecars({
 *   flavour: "classic", ram: 1 << 30, lvm: [], nfs: [], web: [],
 *   disks: [{ path: "/dev/vda1", files: { "rootfs.tgz": new Uint8Array(1) } }],
 * }, { sidecar: new TextEncoder().encode("x"), sig: null });
 * assert.deepEqual(Object.keys(vm.disks[0]!.files!), ["rootfs.tgz", "rootfs.tgz.sha256"]);
 * ```
 */
export function withSidecars(vm: Vm, beside: Sidecars): Vm {
  const { sidecar, sig } = beside;
  return withBeside(
    vm,
    (name) => ({
      ...(sidecar === null ? {} : { [`${name}${SIDECAR_SUFFIX}`]: sidecar }),
      ...(sig === null ? {} : { [`${name}${SIDECAR_SUFFIX}${SIGNATURE_SUFFIX}`]: sig }),
    }),
    (w) => [
      ...(sidecar === null
        ? []
        : [{ url: `${w.url}${SIDECAR_SUFFIX}`, body: sidecar, ...beside.web }]),
      ...(sig === null ? [] : [{ url: `${w.url}${SIDECAR_SUFFIX}${SIGNATURE_SUFFIX}`, body: sig }]),
    ],
  );
}

/**
 * `vm` with more files beside every file of its volumes and exports
 * (`files(name)`: their names and bytes) and more resources after every
 * resource of its web servers (`web(resource)`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { withBeside } from "./with_sidecars.ts";
 * const vm = withBeside({
 *   flavour: "classic", ram: 1 << 30, lvm: [], nfs: [], web: [],
 *   disks: [{ path: "/dev/vda1", files: { "a.tgz": new Uint8Array(1) } }],
 * }, (name) => ({ [`${name}.x`]: new Uint8Array(2) }), () => []);
 * assert.deepEqual(Object.keys(vm.disks[0]!.files!), ["a.tgz", "a.tgz.x"]);
 * ```
 */
export function withBeside(
  vm: Vm,
  files: (name: string) => Readonly<Record<string, Uint8Array>>,
  web: (resource: WebResource) => WebResource[],
): Vm {
  const add = (tree: FileTree | undefined): FileTree => {
    const out: Record<string, Uint8Array> = { ...tree };
    for (const name of Object.keys(tree ?? {})) Object.assign(out, files(name));
    return out;
  };
  return {
    ...vm,
    disks: vm.disks.map((d) => ({ ...d, files: add(d.files) })),
    lvm: vm.lvm.map((l) => ({ ...l, files: add(l.files) })),
    nfs: vm.nfs.map((n) => ({ ...n, files: add(n.files) })),
    web: vm.web.flatMap((w) => [w, ...web(w)]),
  };
}
