/**
 * The `tmpfs-root` command line: `deno task tmpfs-root <command>`, or
 * `node dist/tmpfs-root.mjs <command>` after `deno task bundle`. Its
 * commands and options are the table in packages/docs/commands.ts, from
 * which the help and the man page `tmpfs-root(1)` are made.
 *
 * @module
 */
import { parseArgs } from "#args";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { BOOT, recommendedSize } from "@tmpfs-root/model";
import { buildModule } from "@tmpfs-root/dracut";
import { COMMANDS, type CommandSpec, PROGRAM } from "@tmpfs-root/docs";
import { formatTrace, simulate, vmFromFile } from "@tmpfs-root/simulator";
import {
  bytesInWords,
  formatInspection,
  InputError,
  inspectArchive,
  packTree,
} from "@tmpfs-root/image";
import { buildCmdline } from "./build_cmdline.ts";
import { checkCmdline } from "./check_cmdline.ts";
import { packProgress, parseTime } from "./_pack_output.ts";
import { commandHelp, usage } from "./usage.ts";

/**
 * Whether this file runs from tmpfs-root's source, whose module/ and docs/
 * folders `build-module` writes by default (the bundle in dist/ has none).
 */
const IN_SOURCE = import.meta.url.endsWith("/packages/cli/main.ts");

/** A path in the repository this file is part of. */
function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

/** JSON.stringify's replacer for the simulator's result: maps as objects, file contents as their size. */
function asJson(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Uint8Array) return { bytes: value.length };
  return value;
}

/** Bad input on the command line: reported in one line, status 2. */
class UsageError extends Error {}

/** What a command's arguments hold once parsed. */
interface Parsed {
  readonly strings: ReadonlyMap<string, string>;
  /** The options that may be given more than once, each with its values in order. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
  readonly operand: string | null;
}

/** Parses a command's arguments by its entry in the table; anything wrong is a {@linkcode UsageError}. */
function parse(command: CommandSpec, args: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        command.options.map((o) => [o.name, {
          type: o.value === null ? "boolean" : "string",
          ...(o.short === undefined ? {} : { short: o.short }),
          ...(o.multiple ? { multiple: true } : {}),
        }]),
      ) as Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>,
      strict: true,
      allowPositionals: command.operand !== null,
    });
  } catch (error) {
    // node:util's messages name the option, e.g. "Unknown option '--vmm'".
    throw new UsageError((error as Error).message);
  }
  const strings = new Map<string, string>();
  const lists = new Map<string, readonly string[]>();
  const flags = new Set<string>();
  for (const o of command.options) {
    const value = parsed.values[o.name];
    if (Array.isArray(value)) lists.set(o.name, value.map(String));
    else if (typeof value === "string") strings.set(o.name, value);
    else if (value === true) flags.add(o.name);
    else if (o.required) throw new UsageError(`missing --${o.name} ${o.value}`);
  }
  const operand = command.operand;
  if (operand === null) return { strings, lists, flags, operand: null };
  const given = parsed.positionals;
  if (given.length > 1 || (given.length === 0 && !operand.optional)) {
    throw new UsageError(
      `expected ${operand.optional ? "at most " : ""}one argument: ${operand.name}, ${operand.doc}`,
    );
  }
  return { strings, lists, flags, operand: given[0] ?? null };
}

/** The command of that name in the table. */
function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/**
 * Runs the command line; returns the exit status. Every error is one line
 * on standard error: 2 for a wrong option, a missing argument or an input
 * file that cannot be used, 1 for any other failure (a file that cannot be
 * written).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { main } from "./main.ts";
 * assert.equal(await main(["cmdline", "--check", "root=tmpfs:/dev/vda1"]), 0);
 * assert.equal(await main(["cmdline", "--check", "root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q"]), 1);
 * assert.equal(await main(["no-such-command"]), 2);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  if (name === "--help" || name === "-h") {
    console.log(usage());
    return 0;
  }
  const command = commandNamed(name);
  if (command === undefined) {
    console.error(`${PROGRAM}: unknown command "${name}" (see ${PROGRAM} --help)`);
    return 2;
  }
  const end = rest.indexOf("--");
  if ((end === -1 ? rest : rest.slice(0, end)).some((a) => a === "--help" || a === "-h")) {
    console.log(commandHelp(command));
    return 0;
  }
  try {
    return await run(command, parse(command, rest));
  } catch (error) {
    const message = (error as Error).message.replace(/\s*\n\s*/g, " ");
    if (error instanceof UsageError) {
      const see = `(see ${PROGRAM} ${command.name} --help)`;
      console.error(`${PROGRAM} ${command.name}: ${message.replace(/\.$/, "")} ${see}`);
      return 2;
    }
    console.error(`${PROGRAM} ${command.name}: ${message}`);
    return 1;
  }
}

async function run(command: CommandSpec, args: Parsed): Promise<number> {
  switch (command.name) {
    case "build-module": {
      const out = args.strings.get("out");
      const check = args.flags.has("check");
      if (out === undefined && !IN_SOURCE) {
        throw new UsageError("missing --out DIR (outside tmpfs-root's source there is no default)");
      }
      // The repository's folders, unless --out names another module folder (then the
      // documents are left alone unless --docs names their folder too).
      const moduleDir = out ?? repoPath("module/90tmpfs-root/");
      const docsDir = args.strings.get("docs") ?? (out === undefined ? repoPath("docs/") : null);
      const built = await buildModule({ moduleDir, docsDir, check });
      if (!check) {
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
    case "cmdline": {
      const json = args.flags.has("json");
      const line = args.strings.get("check");
      const values = new Map<string, string | readonly string[]>([
        ...[...args.strings].filter(([name]) => name !== "check"),
        ...args.lists,
      ]);
      const image = { keys: args.flags.has("keys") };
      if (line !== undefined && values.size > 0) {
        throw new UsageError(
          `--check takes a whole command line: give it alone, not with --${[...values.keys()][0]}`,
        );
      }
      if (line === undefined && !values.has("source")) {
        throw new UsageError("missing --source SOURCE (or --check CMDLINE)");
      }
      let built;
      try {
        built = line === undefined ? buildCmdline(Object.fromEntries(values), image) : null;
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const check = built?.check ?? checkCmdline(line!, image);
      if (json) {
        console.log(JSON.stringify({ cmdline: built?.cmdline ?? line, ...check.data }, null, 2));
      } else if (!check.ok) console.error(check.report);
      else if (built !== null) {
        for (const w of check.data.warnings) console.error(`warning: ${w}`);
        console.log(built.cmdline);
      } else console.log(check.report);
      return check.ok ? 0 : 1;
    }
    case "pack": {
      const level = args.strings.get("level");
      if (level !== undefined && !/^[0-9]{1,2}$/.test(level)) {
        throw new UsageError(`invalid --level "${level}": expected a whole number`);
      }
      const given = args.strings.get("mtime");
      const epoch = process.env.SOURCE_DATE_EPOCH;
      const mtime = given !== undefined
        ? parseTime(given)
        : epoch !== undefined && epoch !== ""
        ? parseTime(epoch)
        : undefined;
      if (mtime === null) {
        throw new UsageError(
          `invalid ${
            given !== undefined ? `--mtime "${given}"` : `SOURCE_DATE_EPOCH "${epoch}"`
          }: expected seconds since 1970 or a date such as 2026-01-01T00:00:00Z`,
        );
      }
      const json = args.flags.has("json");
      const progress = packProgress(process.stderr.isTTY === true);
      let packed;
      try {
        packed = await packTree({
          dir: args.operand!,
          out: args.strings.get("out")!,
          force: args.flags.has("force"),
          ...(args.strings.has("init") ? { init: args.strings.get("init")! } : {}),
          ...(mtime === undefined ? {} : { mtime }),
          ...(level === undefined ? {} : { level: Number(level) }),
          onProgress: progress.update,
        });
      } catch (error) {
        if (error instanceof InputError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.done();
      }
      if (json) {
        console.log(JSON.stringify(packed, null, 2));
        return 0;
      }
      const m = packed.manifest;
      console.log(
        [
          `wrote ${packed.archive} (${m.format}, ${bytesInWords(m.compressedBytes)}; unpacks to ${
            bytesInWords(m.unpackedBytes)
          } in ${m.inodes} inodes)`,
          `      ${packed.sha256Path}`,
          `      ${packed.manifestPath}`,
          ...(packed.added.length === 0 ? [] : [`added mount points: ${packed.added.join(" ")}`]),
          ...packed.problems.map((p) => `would not boot (packed with --force): ${p}`),
          `kernel command line: rd.tmpfs.imgfile=${m.archive} rd.tmpfs.size=${
            recommendedSize(m.unpackedBytes)
          } rd.tmpfs.sha256=${m.sha256}`,
        ].join("\n"),
      );
      return 0;
    }
    case "inspect": {
      let inspection;
      try {
        const init = args.strings.get("init");
        inspection = await inspectArchive(args.operand!, init === undefined ? {} : { init });
      } catch (error) {
        if (error instanceof InputError) throw new UsageError(error.message);
        throw error;
      }
      console.log(
        args.flags.has("json") ? JSON.stringify(inspection, null, 2) : formatInspection(inspection),
      );
      return inspection.boots ? 0 : 1;
    }
    case "simulate": {
      const path = args.strings.get("vm")!;
      let vm;
      try {
        vm = await vmFromFile(path);
      } catch (error) {
        // A file that cannot be read, or a description that is not valid.
        throw new UsageError(`--vm ${path}: ${(error as Error).message}`);
      }
      const result = await simulate(BOOT, vm, args.strings.get("cmdline")!);
      console.log(args.flags.has("json") ? JSON.stringify(result, asJson, 2) : formatTrace(result));
      return result.outcome.kind === "stopped" ? 1 : 0;
    }
    case "help": {
      if (args.operand === null) {
        console.log(usage());
        return 0;
      }
      const about = commandNamed(args.operand);
      if (about === undefined) throw new UsageError(`unknown command "${args.operand}"`);
      console.log(commandHelp(about));
      return 0;
    }
    default:
      throw new TypeError(`Command "${command.name}" has no implementation`);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
