/**
 * Tests that need a real program call `requireProgram`: it fails loudly,
 * naming the package and the install script, instead of skipping.
 *
 * @module
 */

const PACKAGES: Record<string, string> = {
  dash: "dash",
  busybox: "busybox-static",
  bash: "bash",
  shellcheck: "shellcheck",
  tar: "tar",
  gzip: "gzip",
  unshare: "util-linux",
};

/**
 * Returns the program's path, or throws an error that says how to install it.
 *
 * @example
 * ```ts
 * import { requireProgram } from "./require.ts";
 * const dash = await requireProgram("dash");
 * ```
 */
export async function requireProgram(name: string): Promise<string> {
  const out = await new Deno.Command("sh", { args: ["-c", 'command -v "$1"', "sh", name] })
    .output();
  const path = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || path === "") {
    throw new Error(
      `Missing program "${name}": install the Debian package ${PACKAGES[name] ?? name} ` +
        "(bash tools/install-deps.sh installs everything the tests need)",
    );
  }
  return path;
}

/** The shells every emitted script must run under. */
export const SHELLS: readonly (readonly [string, readonly string[]])[] = [
  ["dash", ["dash"]],
  ["busybox ash", ["busybox", "sh"]],
  ["bash --posix", ["bash", "--posix"]],
];

/**
 * Runs a shell script text under one shell, in `locale` (default C) and an
 * otherwise empty environment; returns stdout, stderr and the status.
 *
 * @example
 * ```ts
 * import { runShell } from "./require.ts";
 * (await runShell(["dash"], "printf %s hi")).stdout; // "hi"
 * ```
 */
export async function runShell(
  shell: readonly string[],
  text: string,
  args: readonly string[] = [],
  locale = "C",
): Promise<{ stdout: string; stderr: string; code: number }> {
  await requireProgram(shell[0]!);
  const out = await new Deno.Command(shell[0]!, {
    args: [...shell.slice(1), "-c", text, "sh", ...args],
    env: { LC_ALL: locale, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
  }).output();
  const dec = new TextDecoder();
  return { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr), code: out.code };
}
