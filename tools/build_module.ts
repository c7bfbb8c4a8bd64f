/**
 * `deno task build-module`: writes the generated dracut module to
 * `module/90tmpfs-root/`. With `--check`, writes nothing and fails when the
 * committed module differs from what the model produces.
 *
 * @module
 */
import { parseArgs } from "#args";
import { BOOT, PARAMS, paramsDoc } from "@tmpfs-root/model";
import { compileModule } from "@tmpfs-root/compiler";
import { diffModule, writeModule } from "@tmpfs-root/dracut";

const { values } = parseArgs({
  options: { check: { type: "boolean", default: false }, out: { type: "string" } },
});
const dir = values.out ?? new URL("../module/90tmpfs-root/", import.meta.url).pathname;
const mod = compileModule(BOOT);
const docPath = new URL("../docs/kernel-parameters.md", import.meta.url).pathname;
const doc = paramsDoc(PARAMS);
if (values.check) {
  const problems = await diffModule(dir, mod.files);
  const committed = await Deno.readTextFile(docPath).catch(() => "");
  if (values.out === undefined && committed !== doc) problems.push(`${docPath}: differs`);
  if (problems.length > 0) {
    console.error(`The committed module in ${dir} differs from the model:`);
    for (const p of problems) console.error(`  ${p}`);
    console.error("Run `deno task build-module` and commit the result.");
    Deno.exit(1);
  }
  console.log(`module ok: ${mod.files.length} files in ${dir} match the model`);
} else {
  await writeModule(dir, mod.files);
  if (values.out === undefined) {
    await Deno.mkdir(new URL("../docs/", import.meta.url), { recursive: true });
    await Deno.writeTextFile(docPath, doc);
  }
  console.log(`wrote ${mod.files.length} files to ${dir}`);
}
