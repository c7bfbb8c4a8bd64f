/**
 * The operator's walkthrough, recorded: runs `tmpfs-root pack`, `inspect`
 * and `cmdline` for real on a small tree and draws the terminal session as
 * an SVG (`docs/walkthrough.svg`, shown by the README).
 *
 * ```sh
 * deno run -A tools/walkthrough.ts            # rewrite docs/walkthrough.svg
 * deno run -A tools/walkthrough.ts --check    # fail when it differs from a fresh recording
 * ```
 *
 * @module
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { main } from "@tmpfs-root/cli";

/** Where the picture is committed. */
export const WALKTHROUGH_SVG: string = fileURLToPath(
  new URL("../docs/walkthrough.svg", import.meta.url),
);

/** The commands shown, each run for real in a scratch folder holding `tree/`. */
export const WALKTHROUGH: readonly (readonly string[])[] = [
  ["pack", "./tree", "-o", "rootfs.tar.zst", "--mtime", "2026-01-01"],
  ["inspect", "rootfs.tar.zst"],
  ["cmdline", "--source", "LABEL=images", "--imgfile", "rootfs.tar.zst", "--size", "65M"],
];

/** Runs the walkthrough; each command line with what it printed. */
export async function record(): Promise<{ command: string; output: string[] }[]> {
  const dir = await mkdtemp("/tmp/tmpfs-root-walkthrough-");
  const cwd = process.cwd();
  const [log, error] = [console.log, console.error];
  try {
    await mkdir(`${dir}/tree/sbin`, { recursive: true });
    await mkdir(`${dir}/tree/etc`);
    await writeFile(`${dir}/tree/sbin/init`, "#!/bin/sh\nexec /bin/sh\n", { mode: 0o755 });
    await writeFile(`${dir}/tree/etc/os-release`, 'PRETTY_NAME="Demo node 1.0"\n');
    process.chdir(dir);
    const shown = [];
    for (const argv of WALKTHROUGH) {
      const output: string[] = [];
      console.log = console.error = (...a: unknown[]) => output.push(...a.join(" ").split("\n"));
      const code = await main(argv);
      [console.log, console.error] = [log, error];
      if (code !== 0) throw new Error(`tmpfs-root ${argv.join(" ")} failed: ${output.join(" ")}`);
      shown.push({ command: `tmpfs-root ${argv.join(" ")}`, output });
    }
    return shown;
  } finally {
    [console.log, console.error] = [log, error];
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  }
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The terminal session as an SVG: a dark window, prompts in green, output in grey. */
export function drawSession(shown: readonly { command: string; output: string[] }[]): string {
  const lines = shown.flatMap((s) => [
    { text: `$ ${s.command}`, prompt: true },
    ...s.output.map((text) => ({ text, prompt: false })),
  ]);
  const [lineHeight, charWidth, pad] = [18, 8.4, 16];
  const width = Math.ceil(Math.max(...lines.map((l) => l.text.length)) * charWidth + 2 * pad);
  const height = lines.length * lineHeight + 2 * pad + 24;
  const text = lines.map((l, i) =>
    `  <text x="${pad}" y="${pad + 24 + (i + 1) * lineHeight - 4}" fill="${
      l.prompt ? "#8ae234" : "#d3d7cf"
    }">${escape(l.text)}</text>`
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`,
    `  <title>tmpfs-root pack, inspect and cmdline, as an operator runs them</title>`,
    `  <rect width="${width}" height="${height}" rx="8" fill="#2e3436"/>`,
    ...["#ef2929", "#fce94f", "#8ae234"].map((c, i) =>
      `  <circle cx="${pad + 6 + i * 20}" cy="${pad + 2}" r="6" fill="${c}"/>`
    ),
    ...text,
    "</svg>",
    "",
  ].join("\n");
}

if (import.meta.main) {
  const svg = drawSession(await record());
  if (Deno.args.includes("--check")) {
    if (svg !== await readFile(WALKTHROUGH_SVG, "utf8")) {
      console.error(
        `${WALKTHROUGH_SVG} differs from a fresh recording: run deno run -A tools/walkthrough.ts`,
      );
      Deno.exit(1);
    }
  } else {
    await writeFile(WALKTHROUGH_SVG, svg);
    console.log(`wrote ${WALKTHROUGH_SVG}`);
  }
}
