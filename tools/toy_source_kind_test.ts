// The cost of a new kind of source: one entry in the table of source kinds
// (and, when `mount [-t fstype] -o options <device>` is not enough, a mount
// function). This toy kind, `root=tmpfs:VIRTIOFS=<tag>`, is not shipped: from
// its entry alone it gets the model's parser, the emitted shell parser, a
// mount step in the compiled hooks, a simulator case and module-setup.sh
// support (detection, kernel modules).
import assert from "#assert";
import { compileModule } from "@tmpfs-root/compiler";
import {
  BOOT,
  PARAMS,
  parseParams,
  type SourceKindSpec,
  sourceKindSpec,
  SOURCES,
  TOOLS_DIR,
} from "@tmpfs-root/model";
import { requireProgram, runShell } from "@tmpfs-root/shell";
import { defaultHandlers, makeArchive, simulate, type Vm } from "@tmpfs-root/simulator";

/** The toy kind's one entry. */
const VIRTIOFS: SourceKindSpec = sourceKindSpec({
  kind: "x-virtiofs",
  forms: [{ prefix: "VIRTIOFS=", rule: "word", chars: "A-Za-z0-9_-" }],
  access: "mounted",
  waitsFor: "nothing",
  dracutModules: [],
  kernelModules: ["virtiofs"],
  programs: [],
  mount: { fstype: "virtiofs", options: "ro" },
});

const TABLE: readonly SourceKindSpec[] = [...SOURCES, VIRTIOFS];
const MODULE = compileModule(BOOT, { sources: TABLE });
/**
 * A file of the toy module, with its programs run by name from PATH (here under dash) instead
 * of from TOOLS_DIR, which only the initramfs has.
 */
const file = (path: string) =>
  MODULE.files.find((f) => f.path === path)!.text.replaceAll(`${TOOLS_DIR}/`, "");

Deno.test("a toy source kind gets the model's parser from its table entry", () => {
  const r = parseParams("root=tmpfs:VIRTIOFS=images rd.tmpfs.imgfile=rootfs.tgz", TABLE);
  assert.equal(r.kind, "ok");
  assert.deepEqual(r.kind === "ok" && r.params.source, {
    kind: "x-virtiofs",
    spec: "VIRTIOFS=images",
    device: "images",
  });
  const bad = parseParams("root=tmpfs:VIRTIOFS=im$ages", TABLE);
  assert.equal(bad.kind === "invalid" && bad.param.name, "root");
  // Without the entry, the same command line is no source.
  assert.equal(parseParams("root=tmpfs:VIRTIOFS=images").kind, "invalid");
});

Deno.test("a toy source kind gets the emitted shell parser, which agrees with the model", async () => {
  const dash = await requireProgram("dash");
  const lines = [
    "root=tmpfs:VIRTIOFS=images",
    "root=tmpfs:VIRTIOFS=my_tag-2 rd.tmpfs.size=1G",
    "root=tmpfs:VIRTIOFS=bad$tag",
    "root=tmpfs:VIRTIOFS=",
    "root=tmpfs:LABEL=images",
  ];
  const harness = [
    file("tmpfs-root-params.sh"),
    'tmpfs_root_cmdline_text() { printf %s "$CMDLINE"; }',
    'for CMDLINE in "$@"; do',
    "  tmpfs_root_kind= tmpfs_root_device= tmpfs_root_cause=",
    ...PARAMS.filter((p) => p.kind !== "source").map((p) => `  tmpfs_root_${p.key}=`),
    "  tmpfs_root_read_params; rc=$?",
    '  printf "%s|%s|%s\\n" "$rc" "$tmpfs_root_kind" "$tmpfs_root_device"',
    "done",
  ].join("\n");
  const out = await runShell([dash], harness, lines);
  assert.equal(out.stderr, "");
  const want = lines.map((line) => {
    const r = parseParams(line, TABLE);
    if (r.kind !== "ok") return "1||";
    const s = r.params.source;
    return `0|${s.kind}|${"device" in s ? s.device : ""}`;
  });
  assert.deepEqual(out.stdout.trimEnd().split("\n"), want);
  assert.deepEqual(want.slice(0, 3), ["0|x-virtiofs|images", "0|x-virtiofs|my_tag-2", "1||"]);
});

Deno.test("a toy source kind gets a mount step and module-setup.sh support", () => {
  const lib = file("tmpfs-root-lib.sh");
  assert.match(lib, /\n {8}x-virtiofs\)\n[^\n]*mount -t virtiofs -o ro "\$tmpfs_root_device"/);
  // It waits for nothing: the source step returns at once for it.
  assert.match(lib, /x-virtiofs\) return 0 ;;/);
  const setup = file("module-setup.sh");
  assert.match(setup, /\*tmpfs:VIRTIOFS=\*\) printf ' %s' x-virtiofs ;;/);
  assert.match(
    setup,
    /\*' x-virtiofs '\*\)\n\s+if \[ -n "\$\{tmpfs_root_filesystems:-\}" \]; then\n[^\n]*\n\s+else\n\s+for m in virtiofs; do/,
  );
  assert.match(setup, /printf 'block nfs http x-virtiofs\\n'/);
  // The shipped module is what the shipped table makes.
  assert.deepEqual(
    compileModule(BOOT, { sources: SOURCES }).files,
    compileModule(BOOT).files,
  );
});

Deno.test("a toy source kind gets a simulator case from its table entry", async () => {
  const tree = { "rootfs.tgz": await makeArchive({ "etc/os-release": "ID=toy\n" }, "gzip") };
  const vm: Vm = { flavour: "classic", ram: 1 << 30, disks: [], lvm: [], nfs: [], web: [] };
  const r = await simulate(
    BOOT,
    vm,
    "root=tmpfs:VIRTIOFS=images rd.tmpfs.imgfile=rootfs.tgz",
    {
      // The virtual machine's side: a virtiofs export that holds the archive.
      mount: (m, mount) => mount.fstype === "virtiofs" ? null : defaultHandlers.mount(m, mount),
      readFile: (_m, mount, path) =>
        mount.fstype === "virtiofs" ? tree[path as "rootfs.tgz"] ?? null : null,
    },
    TABLE,
  );
  assert.equal(r.outcome.kind, "switched");
  const mounts = r.events.flatMap((e) =>
    e.kind === "mount" ? [[e.fstype, e.source, e.options]] : []
  );
  assert.deepEqual(mounts, [["virtiofs", "images", "ro"], [
    "tmpfs",
    "tmpfs",
    "size=50%,mode=0755",
  ]]);
  assert.equal(r.events.some((e) => e.kind === "wait"), false);
});
