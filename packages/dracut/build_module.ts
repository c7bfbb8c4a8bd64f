import { BOOT, paramsDoc, reportDoc } from "@tmpfs-root/model";
import { compileModule, type ModuleFile } from "@tmpfs-root/compiler";
import { manPages } from "@tmpfs-root/docs";
import { diffModule } from "./diff_module.ts";
import { writeModule } from "./write_module.ts";

/** What {@linkcode buildModule} builds, and where. */
export interface BuildOptions {
  /** The module folder (`module/90tmpfs-root` in the repository). */
  readonly moduleDir: string;
  /**
   * The folder of the generated documents (`docs` in the repository), or
   * `null` (the default) to leave documents alone.
   */
  readonly docsDir?: string | null;
  /** Compare the folders with the model instead of writing them. */
  readonly check?: boolean;
}

/** What {@linkcode buildModule} did. */
export interface BuildResult {
  /** The module's files, as the model produces them. */
  readonly files: readonly ModuleFile[];
  /** When checking: one line per difference, empty when everything matches the model. */
  readonly problems: readonly string[];
  /** When writing: the paths of the files written (the module's, then the documents'). */
  readonly written: readonly string[];
}

/**
 * The one build entry point (`deno task build-module` and
 * `tmpfs-root build-module`): compiles the boot model into the dracut
 * module's files and writes them to `moduleDir` (removing files that are no
 * longer part of it) and the generated documents to `docsDir`; with `check`,
 * writes nothing and returns every difference instead.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { buildModule } from "./build_module.ts";
 * const moduleDir = await Deno.makeTempDir();
 * const built = await buildModule({ moduleDir });
 * assert.ok(built.written.includes(`${moduleDir}/module-setup.sh`));
 * assert.deepEqual((await buildModule({ moduleDir, check: true })).problems, []);
 * await Deno.remove(moduleDir, { recursive: true });
 * ```
 */
export async function buildModule(options: BuildOptions): Promise<BuildResult> {
  const { files } = compileModule(BOOT);
  const docsDir = options.docsDir ?? null;
  const docs = docsDir === null
    ? []
    : generatedDocs().map((d) => ({ path: join(docsDir, d.path), text: d.text }));
  if (options.check) {
    const problems = await diffModule(options.moduleDir, files);
    for (const doc of docs) {
      const committed = await readOrNull(doc.path);
      if (committed === null) problems.push(`${doc.path}: missing`);
      else if (committed !== doc.text) problems.push(`${doc.path}: differs`);
    }
    return { files, problems, written: [] };
  }
  await writeModule(options.moduleDir, files);
  for (const doc of docs) {
    await Deno.mkdir(doc.path.slice(0, doc.path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(doc.path, doc.text);
  }
  return {
    files,
    problems: [],
    written: [...files.map((f) => join(options.moduleDir, f.path)), ...docs.map((d) => d.path)],
  };
}

/**
 * The documents generated from the model, by path in the docs folder: the
 * kernel-parameter reference, the boot report's schema and the man pages
 * (roff and Markdown).
 */
function generatedDocs(): { readonly path: string; readonly text: string }[] {
  return [
    { path: "kernel-parameters.md", text: paramsDoc(BOOT.params) },
    { path: "report.md", text: reportDoc() },
    ...manPages(BOOT),
  ];
}

function join(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, "")}/${name}`;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
