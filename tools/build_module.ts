/**
 * `deno task build-module`: writes the generated dracut module to
 * `module/90tmpfs-root/` and the generated documents to `docs/`. With
 * `--check` (`deno task check-module`), writes nothing and fails when the
 * committed files differ from what the model produces. The same code as
 * `tmpfs-root build-module` (packages/cli), which calls `buildModule()` in
 * packages/dracut.
 *
 * @module
 */
import { main } from "@tmpfs-root/cli";

Deno.exit(await main(["build-module", ...Deno.args]));
