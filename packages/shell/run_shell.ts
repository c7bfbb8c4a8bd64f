import { requireProgram } from "./require_program.ts";

/**
 * The shells every emitted script must run under, each as its name and the
 * command that starts it.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { SHELLS } from "./run_shell.ts";
 * assert.deepEqual(SHELLS.map(([name]) => name), ["dash", "busybox ash", "bash --posix"]);
 * ```
 */
export const SHELLS: readonly (readonly [string, readonly string[]])[] = [
  ["dash", ["dash"]],
  ["busybox ash", ["busybox", "sh"]],
  ["bash --posix", ["bash", "--posix"]],
];

/**
 * Runs a shell script text under one shell (`sh -c text sh args...`), in
 * `locale` (default C) and an otherwise empty environment; returns stdout,
 * stderr and the status. A missing shell fails as
 * {@linkcode requireProgram} does.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { runShell } from "./run_shell.ts";
 * assert.deepEqual(await runShell(["dash"], 'printf %s "$1"; exit 3', ["hi"]), {
 *   stdout: "hi",
 *   stderr: "",
 *   code: 3,
 * });
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
