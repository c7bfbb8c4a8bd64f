/** The Debian package of each program the tests run, for the error message. */
const PACKAGES: Readonly<Record<string, string>> = {
  dash: "dash",
  busybox: "busybox-static",
  bash: "bash",
  shellcheck: "shellcheck",
  tar: "tar",
  gzip: "gzip",
  unshare: "util-linux",
  groff: "groff-base",
  man: "man-db",
  node: "nodejs",
};

/**
 * Returns the path of a program the tests need, or throws an error that
 * names the Debian package and the install script: a missing program fails
 * loudly instead of skipping the test.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { requireProgram } from "./require_program.ts";
 * assert.match(await requireProgram("sh"), /\/sh$/);
 * await assert.rejects(
 *   requireProgram("no-such-program"),
 *   /^Error: Missing program "no-such-program": install the Debian package no-such-program/,
 * );
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
