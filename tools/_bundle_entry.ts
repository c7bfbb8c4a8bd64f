// The entry point of the bundle tools/bundle.ts makes: runs the command with the process's
// arguments and exits with its status. In the bundle, `Deno` is tools/_bundle_deno_shim.ts.
import { main } from "@tmpfs-root/cli";

Deno.exit(await main(Deno.args));
