// The emitted layer functions (tmpfs_root_overlay, tmpfs_root_merge), run as printed under every
// shell on trees made on disk, against the model's overlay rule: the same entries, of the same
// types, for random layers with whiteouts, opaque directories, directories over files and links,
// and odd names; and never a path touched outside the root.
import assert from "#assert";
import { LAYER_STAGE, Lcg, overlay, type TreeEntry } from "@tmpfs-root/model";
import { runShell, SHELLS } from "@tmpfs-root/shell";
import { functionText } from "./_testing.ts";

const LIB = "tmpfs-root-lib.sh";

type Kind = "file" | "directory" | "symlink";
interface Entry extends TreeEntry {
  readonly type: Kind;
  readonly target?: string;
  readonly data?: string;
}

const NAMES = ["a", "b", "etc", "lib", "x y", "-n", "*", "[a]", "new\nline", ".dot", "..dd"];
const WHITEOUTS = [".wh.a", ".wh.b", ".wh.etc", ".wh.lib", ".wh.x y", ".wh.*", ".wh..wh..opq"];
// Whiteouts that must remove nothing: empty, ., .. and reserved names.
const HOSTILE = [".wh.", ".wh..", ".wh...", ".wh..wh.plnk"];

/**
 * A random tree of up to `n` entries, three levels deep. A layer (`below`
 * given) puts its entries mostly in the directories below has, and most of
 * its whiteouts name an entry below.
 */
function tree(next: () => number, n: number, below?: Map<string, Entry>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const dirs = [""];
  const lower = below === undefined
    ? []
    : ["", ...[...below].filter(([, e]) => e.type === "directory").map(([p]) => p)];
  for (let i = 0; i < n; i++) {
    const parent = lower.length > 0 && next() < 0.6 ? pick(lower) : pick(dirs);
    if (parent.split("/").length > 3) continue;
    const r = next();
    let name = pick(NAMES);
    if (below !== undefined && r < 0.3) {
      const children = [...below.keys()].filter((p) => p.slice(0, p.lastIndexOf("/")) === parent)
        .map((p) => `.wh.${p.slice(p.lastIndexOf("/") + 1)}`);
      name = r < 0.03
        ? pick(HOSTILE)
        : children.length > 0 && r < 0.2
        ? pick(children)
        : pick(WHITEOUTS);
    }
    const path = `${parent}/${name}`;
    if (out.has(path)) continue;
    let blocked = false;
    for (let q = parent; q !== ""; q = q.slice(0, q.lastIndexOf("/"))) {
      if (out.has(q) && out.get(q)!.type !== "directory") blocked = true;
    }
    if (blocked) continue;
    // Parents the layer implies (tar makes them) are directories of the layer.
    for (let q = parent; q !== "" && !out.has(q); q = q.slice(0, q.lastIndexOf("/"))) {
      out.set(q, { type: "directory" });
    }
    if (name.startsWith(".wh.")) out.set(path, { type: "file", data: "" });
    else if (r < 0.55) {
      out.set(path, { type: "directory" });
      dirs.push(path);
    } else if (r < 0.7) {
      out.set(path, { type: "symlink", target: pick(["/", "../../..", "a", "/etc"]) });
    } else out.set(path, { type: "file", data: `${below ? "up" : "low"} ${path}` });
  }
  return out;
}

async function make(root: string, t: ReadonlyMap<string, Entry>): Promise<void> {
  await Deno.mkdir(root, { recursive: true });
  for (const [p, e] of [...t].sort(([a], [b]) => a.length - b.length)) {
    const at = `${root}${p}`;
    if (e.type === "directory") await Deno.mkdir(at, { recursive: true });
    else if (e.type === "symlink") await Deno.symlink(e.target!, at);
    else await Deno.writeTextFile(at, e.data ?? "");
  }
}

/** The tree under `root` (no symbolic link followed), as path → type and content. */
async function read(root: string, under = ""): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const d of Deno.readDir(`${root}${under}`)) {
    const p = `${under}/${d.name}`;
    const at = `${root}${p}`;
    if (d.isSymlink) out.set(p, `symlink ${await Deno.readLink(at)}`);
    else if (d.isDirectory) {
      out.set(p, "directory");
      for (const [q, e] of await read(root, p)) out.set(q, e);
    } else out.set(p, `file ${await Deno.readTextFile(at)}`);
  }
  return out;
}

/** The model's result with the same detail as read(). */
function expected(below: Map<string, Entry>, layer: Map<string, Entry>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, e] of overlay(below, layer)) {
    out.set(
      p,
      e.type === "symlink" ? `symlink ${e.target}` : e.type === "file" ? `file ${e.data}` : e.type,
    );
  }
  // Parents a deeper entry implies are directories too.
  for (const p of [...out.keys()]) {
    for (let q = p.slice(0, p.lastIndexOf("/")); q !== ""; q = q.slice(0, q.lastIndexOf("/"))) {
      if (!out.has(q)) out.set(q, "directory");
    }
  }
  return out;
}

const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

Deno.test("tmpfs_root_overlay lays a layer as the model's overlay does, under every shell", async () => {
  const dir = await Deno.makeTempDir({ dir: "/dev/shm" }).catch(() => Deno.makeTempDir());
  try {
    const script = [
      "tmpfs_root_say() { :; }",
      functionText(LIB, "tmpfs_root_first_line"),
      functionText(LIB, "tmpfs_root_merge"),
      functionText(LIB, "tmpfs_root_lay"),
      functionText(LIB, "tmpfs_root_overlay"),
      functionText(LIB, "tmpfs_root_drop_whiteouts"),
    ].join("\n").replaceAll("/run/tmpfs-root", `${dir}/run`);
    const cases = 60;
    for (const [name, shell] of SHELLS) {
      // The model's deterministic generator, as a number in [0, 1).
      const lcg = new Lcg(name.length * 7919);
      const next = () => lcg.int(2 ** 30) / 2 ** 30;
      const want: Map<string, string>[] = [];
      for (let i = 0; i < cases; i++) {
        const below = tree(next, 16);
        const layer = tree(next, 10, below);
        // A marker outside the root: a link in the tree below points at it.
        await make(`${dir}/${i}/root`, below);
        await make(`${dir}/${i}/root/${LAYER_STAGE}.1`, layer);
        await Deno.writeTextFile(`${dir}/${i}/outside`, "marker");
        want.push(expected(below, layer));
      }
      await Deno.mkdir(`${dir}/run`, { recursive: true });
      const out = await runShell(
        shell,
        [
          script,
          `i=0; while [ "$i" -lt ${cases} ]; do`,
          `  d="${dir}/$i"`,
          `  tmpfs_root_overlay "$d/root/${LAYER_STAGE}.1" "$d/root" layer.tar || echo "$i: $tmpfs_root_cause"`,
          "  i=$((i + 1))",
          "done",
        ].join("\n"),
      );
      assert.equal(out.stdout + out.stderr, "", name);
      for (let i = 0; i < cases; i++) {
        assert.deepEqual(
          sorted(await read(`${dir}/${i}/root`)),
          sorted(want[i]!),
          `${name}: case ${i}`,
        );
        assert.equal(await Deno.readTextFile(`${dir}/${i}/outside`), "marker");
        await Deno.remove(`${dir}/${i}`, { recursive: true });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_overlay stops with one cause when a layer cannot be laid, under every shell", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = [
      functionText(LIB, "tmpfs_root_first_line"),
      functionText(LIB, "tmpfs_root_merge"),
      functionText(LIB, "tmpfs_root_lay"),
      functionText(LIB, "tmpfs_root_overlay"),
      functionText(LIB, "tmpfs_root_drop_whiteouts"),
    ].join("\n").replaceAll("/run/tmpfs-root", `${dir}/run`);
    for (const [name, shell] of SHELLS) {
      const stage = `${dir}/root/${LAYER_STAGE}.1`;
      await Deno.mkdir(`${dir}/run`, { recursive: true });
      // An entry named as the stage folder itself would be laid over the stage.
      await Deno.mkdir(`${stage}/${LAYER_STAGE}.1`, { recursive: true });
      await Deno.mkdir(`${dir}/root/etc`, { recursive: true });
      const out = await runShell(
        shell,
        [
          script,
          `tmpfs_root_overlay "${stage}" "${dir}/root" node.tar; echo "$? $tmpfs_root_cause"`,
        ].join("\n"),
      );
      assert.equal(
        out.stdout,
        `1 could not lay node.tar over the layers before it: it holds ${LAYER_STAGE}.1\n`,
        name,
      );
      await Deno.remove(`${dir}/root`, { recursive: true });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
