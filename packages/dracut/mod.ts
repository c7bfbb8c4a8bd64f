/**
 * The dracut packaging layer: builds the module from the model, places the
 * compiler's printed files and the generated documents in their folders,
 * and checks a committed copy against the model.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { buildModule, diffModule } from "./mod.ts";
 * const moduleDir = await Deno.makeTempDir();
 * const { files } = await buildModule({ moduleDir });
 * assert.deepEqual(await diffModule(moduleDir, files), []);
 * await Deno.writeTextFile(`${moduleDir}/module-setup.sh`, "#!/bin/sh\n");
 * assert.deepEqual(await diffModule(moduleDir, files), ["module-setup.sh: text differs"]);
 * await Deno.remove(moduleDir, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./build_module.ts";
export * from "./diff_module.ts";
export * from "./write_module.ts";
