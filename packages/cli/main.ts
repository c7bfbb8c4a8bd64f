/**
 * The `tmpfs-root` command line: `deno task tmpfs-root <command>`.
 *
 * @module
 */
import { parseArgs } from "#args";
import { fileURLToPath } from "node:url";
import { BOOT } from "@tmpfs-root/model";
import { buildModule } from "@tmpfs-root/dracut";
import { formatTrace, simulate, vmFromFile } from "@tmpfs-root/simulator";
import { checkCmdline } from "./check_cmdline.ts";

const USAGE = `Usage: tmpfs-root <command> [options]

Commands:
  build-module [--out DIR] [--docs DIR] [--check]
                                       write (or check) the dracut module and the generated
                                       docs (default: the repository's module/90tmpfs-root/
                                       and docs/; with --out, docs only with --docs)
  check-cmdline '<kernel command line>' check a command line as the module will at boot
  simulate --cmdline '<line>' --vm FILE  boot the model against a machine described in JSON
                                       (see packages/simulator/testdata/vm.json) and print the trace
`;

/** A path in the repository this file is part of. */
function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

/** Bad input on the command line: reported in one line with the usage, status 2. */
class UsageError extends Error {}

/** Parses a command's options; unknown or malformed ones are a {@linkcode UsageError}. */
function options<T extends Parameters<typeof parseArgs>[0]["options"]>(
  command: string,
  args: readonly string[],
  spec: T,
) {
  try {
    return parseArgs({ args: [...args], options: spec!, strict: true, allowPositionals: false })
      .values;
  } catch (error) {
    // node:util's messages name the option, e.g. "Unknown option '--vmm'".
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/**
 * Runs the command line; returns the exit status.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { main } from "./main.ts";
 * assert.equal(await main(["check-cmdline", "root=tmpfs:/dev/vda1"]), 0);
 * assert.equal(await main(["check-cmdline", "root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q"]), 1);
 * assert.equal(await main(["no-such-command"]), 2);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && rest.some((a) => a === "--help" || a === "-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await run(command, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`tmpfs-root ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function run(command: string | undefined, rest: readonly string[]): Promise<number> {
  switch (command) {
    case "build-module": {
      const values = options("build-module", rest, {
        out: { type: "string" },
        docs: { type: "string" },
        check: { type: "boolean", default: false },
      });
      // The repository's folders, unless --out names another module folder (then the
      // documents are left alone unless --docs names their folder too).
      const moduleDir = values.out ?? repoPath("module/90tmpfs-root/");
      const docsDir = values.docs ?? (values.out === undefined ? repoPath("docs/") : null);
      const built = await buildModule({ moduleDir, docsDir, check: values.check });
      if (!values.check) {
        console.log(`wrote ${built.files.length} files to ${moduleDir}`);
        return 0;
      }
      if (built.problems.length > 0) {
        console.error(`The committed module in ${moduleDir} differs from the model:`);
        for (const p of built.problems) console.error(`  ${p}`);
        console.error("Run `deno task build-module` and commit the result.");
        return 1;
      }
      console.log(`module ok: ${built.files.length} files in ${moduleDir} match the model`);
      return 0;
    }
    case "check-cmdline": {
      if (rest.length !== 1) {
        console.error("check-cmdline takes one argument: the whole command line, quoted");
        return 2;
      }
      const r = checkCmdline(rest[0]!);
      (r.ok ? console.log : console.error)(r.report);
      return r.ok ? 0 : 1;
    }
    case "simulate": {
      const values = options("simulate", rest, {
        cmdline: { type: "string" },
        vm: { type: "string" },
      });
      if (values.cmdline === undefined || values.vm === undefined) {
        console.error("simulate needs --cmdline '<kernel command line>' and --vm <file.json>");
        return 2;
      }
      let vm;
      try {
        vm = await vmFromFile(values.vm);
      } catch (error) {
        // A file that cannot be read, or a description that is not valid.
        throw new UsageError(`simulate: --vm ${values.vm}: ${(error as Error).message}`);
      }
      const result = await simulate(BOOT, vm, values.cmdline);
      console.log(formatTrace(result));
      return result.outcome.kind === "stopped" ? 1 : 0;
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
