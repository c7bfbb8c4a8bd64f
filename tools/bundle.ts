/**
 * `deno task bundle`: the `tmpfs-root` command as one JavaScript file for
 * Node.js, `dist/tmpfs-root.mjs` (`node dist/tmpfs-root.mjs --help`, or run
 * it directly: it starts with `#!/usr/bin/env node`).
 *
 * esbuild bundles the CLI (packages/cli) and the workspace packages it
 * imports, resolved from their deno.json files, as an ES module for Node.js
 * 18 and later (Debian 12's; tools/bundle_test.ts runs it under the
 * Node.js installed). Names of deno.json's import map resolve as Deno
 * resolves them: `node:` targets stay imports of Node.js's built-ins,
 * `npm:` ones are bundled from node_modules. `Deno` is the shim of
 * tools/_bundle_deno_shim.ts, injected through tools/_bundle_inject.ts (no
 * global is set), and node:zlib is tools/_bundle_node_zlib.ts (zstd on a
 * Node.js without it). The build fails when the bundle names a member of
 * `Deno` the shim does not provide.
 *
 * @module
 */
import * as esbuild from "esbuild";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { denoShim } from "./_bundle_deno_shim.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ENTRY = fileURLToPath(new URL("./_bundle_entry.ts", import.meta.url));
const INJECT = fileURLToPath(new URL("./_bundle_inject.ts", import.meta.url));
const ZLIB = fileURLToPath(new URL("./_bundle_node_zlib.ts", import.meta.url));

/** Where `deno task bundle` writes the bundle. */
export const BUNDLE_PATH: string = resolve(ROOT, "dist/tmpfs-root.mjs");

/** What {@linkcode bundle} made. */
export interface Bundled {
  /** The bundle's path. */
  readonly outfile: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The members of `Deno` it uses, all provided by the shim. */
  readonly denoApis: readonly string[];
  /** The names of deno.json's import map it resolved. */
  readonly mapped: readonly string[];
}

interface DenoJson {
  readonly name?: string;
  readonly exports?: string;
  readonly workspace?: readonly string[];
  readonly imports?: Readonly<Record<string, string>>;
}

async function readJson(path: string): Promise<DenoJson> {
  return JSON.parse(await readFile(path, "utf8")) as DenoJson;
}

/** The workspace packages by name (`@tmpfs-root/model`), each to its exports file. */
async function workspace(root: DenoJson): Promise<Map<string, string>> {
  const packages = new Map<string, string>();
  for (const member of root.workspace ?? []) {
    const dir = resolve(ROOT, member);
    const json = await readJson(resolve(dir, "deno.json"));
    if (json.name === undefined || json.exports === undefined) {
      throw new TypeError(`Invalid workspace member "${member}": expected a name and exports`);
    }
    packages.set(json.name, resolve(dir, json.exports));
  }
  return packages;
}

/** Resolves what Deno resolves: workspace packages, the import map, node:zlib. */
function denoResolver(root: DenoJson, packages: Map<string, string>, mapped: Set<string>) {
  const imports = root.imports ?? {};
  return {
    name: "deno-resolver",
    setup(build: esbuild.PluginBuild) {
      build.onResolve({ filter: /^@tmpfs-root\// }, (args) => {
        const path = packages.get(args.path);
        if (path === undefined) {
          return { errors: [{ text: `Unknown workspace package "${args.path}"` }] };
        }
        return { path };
      });
      build.onResolve({ filter: /^node:zlib$/ }, (args) => {
        return args.importer === ZLIB ? { path: args.path, external: true } : { path: ZLIB };
      });
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "npm") return undefined;
        const target = imports[args.path];
        if (target === undefined) return undefined;
        mapped.add(args.path);
        if (target.startsWith("node:")) {
          return target === "node:zlib" ? { path: ZLIB } : { path: target, external: true };
        }
        const npm = /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]+)?(\/.*)?$/.exec(target);
        if (npm === null) {
          return {
            errors: [{ text: `Cannot bundle "${args.path}": ${target} is not node: or npm:` }],
          };
        }
        // node_modules, which Deno fills from the same map (nodeModulesDir "auto").
        const found = await build.resolve(`${npm[1]}${npm[2] ?? ""}`, {
          kind: args.kind,
          resolveDir: ROOT,
          pluginData: "npm",
        });
        if (found.errors.length > 0) {
          return {
            errors: [{
              text: `Cannot bundle "${args.path}": ${
                npm[1]
              } is not in node_modules (run deno install)`,
            }],
          };
        }
        return { path: found.path };
      });
      build.onResolve({ filter: /^(npm|jsr|https?):/ }, (args) => ({
        errors: [{ text: `Cannot bundle "${args.path}": import it through deno.json's imports` }],
      }));
    },
  };
}

/**
 * Bundles the `tmpfs-root` command into `outfile` (made executable).
 *
 * @example
 * ```ts ignore
 * import { bundle } from "./bundle.ts";
 * const { bytes } = await bundle("/tmp/tmpfs-root.mjs");
 * ```
 */
export async function bundle(outfile: string = BUNDLE_PATH): Promise<Bundled> {
  const root = await readJson(resolve(ROOT, "deno.json"));
  const mapped = new Set<string>();
  await mkdir(dirname(outfile), { recursive: true });
  try {
    const result = await esbuild.build({
      entryPoints: [ENTRY],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node18",
      // In the bundle the CLI's module is not the main one: the entry runs it.
      define: { "import.meta.main": "false" },
      inject: [INJECT],
      plugins: [denoResolver(root, await workspace(root), mapped)],
      banner: {
        js:
          "#!/usr/bin/env node\n// tmpfs-root, bundled by tools/bundle.ts (deno task bundle); do not edit.",
      },
      logLevel: "silent",
      write: true,
    });
    for (const w of result.warnings) console.error(`esbuild: ${w.text}`);
  } finally {
    await esbuild.stop();
  }
  const text = await readFile(outfile, "utf8");
  // Every `Deno.x` of the code is `denoShim.x` in the bundle (esbuild names it after the export).
  const uses = text.matchAll(/\b(?:Deno|denoShim)\d*\.(\w+)/g);
  const denoApis = [...new Set([...uses].map((m) => m[1]!))].sort();
  const missing = denoApis.filter((name) => !(name in denoShim));
  if (missing.length > 0) {
    throw new TypeError(
      `Invalid bundle "${outfile}": it uses Deno.${
        missing.join(", Deno.")
      }, which tools/_bundle_deno_shim.ts does not provide`,
    );
  }
  await chmod(outfile, 0o755);
  return { outfile, bytes: text.length, denoApis, mapped: [...mapped].sort() };
}

if (import.meta.main) {
  const out = Deno.args[0] ?? BUNDLE_PATH;
  const built = await bundle(resolve(out));
  console.log(
    `wrote ${built.outfile} (${Math.round(built.bytes / 1024)} KiB; Deno.${
      built.denoApis.join(", Deno.")
    } from the shim; ${built.mapped.join(", ")} from deno.json's imports)`,
  );
}
