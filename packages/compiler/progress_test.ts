// The emitted progress lines (tmpfs_root_pass, tmpfs_root_progress, tmpfs_root_size_of), run as
// printed under every shell with a slow reader: lines at most one a period apart, none before the
// first period, none for a fast copy, the size from the file read, from curl's headers or from
// the manifest, the watcher gone as soon as the copy ends, whatever its outcome; and the whole
// unpack (tmpfs_root_extract) of a real archive that arrives slowly.
import assert from "#assert";
import { attributeList, ATTRIBUTES, humanBytes, MESSAGES } from "@tmpfs-root/model";
import { requireProgram, runShell, SHELLS } from "@tmpfs-root/shell";
import { functionText, HOST_TOOLS } from "./_testing.ts";

const LIB = "tmpfs-root-lib.sh";

/** A stand-in for the console: each line with /proc/uptime when it was said, into LINES. */
const SAY = `tmpfs_root_say() {
  local up
  read -r up _ </proc/uptime
  printf '%s %s\\n' "$up" "$2" >>"$LINES"
}`;

/** The copy with its watcher, with /run/tmpfs-root moved to `run`. */
function passScript(run: string): string {
  return [
    SAY,
    ...["human", "pass", "progress", "clock", "field", "size_of"].map((f) =>
      functionText(LIB, `tmpfs_root_${f}`)
    ),
  ].join("\n").replaceAll("/run/tmpfs-root", run);
}

/** A said line: when (seconds since boot), and its text. */
interface Said {
  readonly at: number;
  readonly text: string;
}

async function said(file: string): Promise<Said[]> {
  const got = await Deno.readTextFile(file).catch(() => "");
  return got.split("\n").filter((l) => l !== "").map((l) => {
    const space = l.indexOf(" ");
    return { at: Number(l.slice(0, space)), text: l.slice(space + 1) };
  });
}

async function uptime(): Promise<number> {
  return Number((await Deno.readTextFile("/proc/uptime")).split(" ")[0]);
}

/** A pattern for a message whose slots are any text. */
function shape(m: readonly string[]): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`^${m.map((p) => (p === "\u0000" ? "(.+)" : esc(p))).join("")}$`);
}
const X = "\u0000";
const KNOWN = shape(MESSAGES.progress(X, X, X, X, X, X));
const UNKNOWN = shape(MESSAGES.progressNoSize(X, X, X));

/** A line with the size known, as its slots: name, read, size, percent, rate, seconds left. */
function known(line: string, what: string): string[] {
  const m = KNOWN.exec(line);
  if (m === null) throw new assert.AssertionError({ message: `${what}: ${line}` });
  return m.slice(1);
}

/**
 * Runs `script` under `shell` with stdin fed `chunks` (each after `pause` ms, the first at once),
 * LINES set to `lines`; returns the run and the uptime when it started.
 */
async function runFed(
  shell: readonly string[],
  script: string,
  args: readonly string[],
  lines: string,
  chunks: readonly Uint8Array[],
  pause: number,
): Promise<{ out: Deno.CommandOutput; start: number; end: number }> {
  await requireProgram(shell[0]!);
  const start = await uptime();
  const child = new Deno.Command(shell[0]!, {
    args: [...shell.slice(1), "-c", script, "sh", ...args],
    env: { LC_ALL: "C", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", LINES: lines },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  for (const [i, c] of chunks.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, pause));
    await writer.write(c);
  }
  await writer.close();
  const out = await child.output();
  return { out, start, end: await uptime() };
}

const MiB = 1024 ** 2;

/** Checks the lines' spacing: the first `every` seconds after `start` or later, then as far apart. */
function checkSpacing(lines: readonly Said[], start: number, every: number, what: string): void {
  // /proc/uptime has hundredths, and the shell's clock starts a little after ours.
  const slack = 0.05;
  lines.forEach((l, i) => {
    const before = i === 0 ? start : lines[i - 1]!.at;
    assert.ok(
      l.at - before >= every - slack,
      `${what}: line ${i + 1} came ${(l.at - before).toFixed(2)} s after ${
        i === 0 ? "the start" : "the one before"
      }`,
    );
  });
}

Deno.test("tmpfs_root_pass prints a line a second (EVERY=1) while a slow pipe feeds it, with the percent of the size given, in every shell", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chunk = new Uint8Array(MiB).fill(65);
    const size = 4 * MiB + 1000;
    for (const shell of SHELLS) {
      const lines = `${dir}/lines`;
      await Deno.remove(lines).catch(() => {});
      const { out, start } = await runFed(
        shell[1],
        `${passScript(dir)}\ntmpfs_root_pass rootfs.tar.zst 1 "$1" | wc -c`,
        [String(size)],
        lines,
        [chunk, chunk, chunk, chunk],
        1300,
      );
      const what = shell[0];
      assert.equal(out.code, 0, `${what}: ${new TextDecoder().decode(out.stderr)}`);
      assert.equal(new TextDecoder().decode(out.stdout).trim(), String(4 * MiB), what);
      assert.equal(new TextDecoder().decode(out.stderr), "", what);
      const got = await said(lines);
      // About 3.9 s of feeding: three lines, or two or four on a loaded machine.
      assert.ok(got.length >= 2 && got.length <= 4, `${what}: ${JSON.stringify(got)}`);
      checkSpacing(got, start, 1, what);
      for (const l of got) {
        const m = known(l.text, what);
        assert.equal(m[0], "rootfs.tar.zst", what);
        assert.equal(m[2], humanBytes(size), what);
        const read = Number(m[3]);
        assert.ok(read >= 0 && read <= 100, `${what}: ${l.text}`);
      }
      // The bytes read only grow.
      const percents = got.map((l) => Number(known(l.text, what)[3]));
      assert.deepEqual(percents, [...percents].sort((a, b) => a - b), what);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_progress keeps its period by the clock when each sleep takes longer (a loaded machine)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Every `sleep 1` takes 2 s: counted in sleeps, a 3 s period would come every 6 s.
    await Deno.mkdir(`${dir}/bin`);
    await Deno.writeTextFile(`${dir}/bin/sleep`, "#!/bin/sh\nexec /bin/sleep 2\n");
    await Deno.chmod(`${dir}/bin/sleep`, 0o755);
    const chunk = new Uint8Array(MiB);
    const lines = `${dir}/lines`;
    const { out, start } = await runFed(
      ["dash"],
      `${passScript(dir).replaceAll(`${HOST_TOOLS}/sleep`, `${dir}/bin/sleep`)}\n` +
        'tmpfs_root_pass a.tar 3 "" >/dev/null',
      [],
      lines,
      [chunk, chunk, chunk, chunk, chunk],
      2300,
    );
    assert.equal(out.code, 0);
    const got = await said(lines);
    assert.ok(got.length >= 2, JSON.stringify(got));
    checkSpacing(got, start, 3, "dash");
    // A line at the first check 3 s or more after the one before: 4 s apart, not 6.
    for (const [i, l] of got.entries()) {
      const gap = l.at - (i === 0 ? start : got[i - 1]!.at);
      assert.ok(gap < 5.5, `line ${i + 1} came ${gap.toFixed(2)} s after the one before`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_pass prints no line for a copy faster than EVERY, and returns at once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/file`, new Uint8Array(8 * MiB));
    for (const shell of SHELLS) {
      const lines = `${dir}/lines`;
      await Deno.remove(lines).catch(() => {});
      const begin = performance.now();
      const out = await runShell(
        shell[1],
        `LINES="$1"\n${passScript(dir)}\ntmpfs_root_pass rootfs.tar.zst 2 "" <"$2" | wc -c`,
        [lines, `${dir}/file`],
      );
      const took = performance.now() - begin;
      assert.equal(out.stdout.trim(), String(8 * MiB), shell[0]);
      assert.equal(out.stderr, "", shell[0]);
      // The watcher's sleep is killed with it: nothing waits for its second.
      assert.ok(took < 1500, `${shell[0]}: ${took} ms`);
      // Nothing after the function returned either: the watcher is gone.
      await new Promise((r) => setTimeout(r, 2500));
      assert.deepEqual(await said(lines), [], shell[0]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_pass gives the size of the file it reads, and stops its watcher when the reader is cut off", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const size = 64 * MiB;
    await Deno.writeFile(`${dir}/file`, new Uint8Array(size));
    for (const shell of SHELLS) {
      const lines = `${dir}/lines`;
      await Deno.remove(lines).catch(() => {});
      // A slow reader that takes a little, then goes away: cat dies of SIGPIPE.
      const out = await runShell(
        shell[1],
        `LINES="$1"\n${passScript(dir)}\n` +
          `{ tmpfs_root_pass rootfs.tar 1 "" <"$2"; echo "rc=$?" >"$3"; } | ` +
          `{ head -c 100000 >/dev/null; sleep 2.5; head -c 100000 >/dev/null; }`,
        [lines, `${dir}/file`, `${dir}/rc`],
      );
      assert.equal(out.stderr, "", shell[0]);
      // SIGPIPE: 128 + 13.
      assert.equal((await Deno.readTextFile(`${dir}/rc`)).trim(), "rc=141", shell[0]);
      const got = await said(lines);
      assert.ok(got.length >= 1 && got.length <= 3, `${shell[0]}: ${JSON.stringify(got)}`);
      for (const l of got) {
        const m = known(l.text, shell[0]);
        assert.equal(m[2], humanBytes(size), shell[0]);
      }
      const count = got.length;
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await said(lines)).length, count, `${shell[0]}: a line after the end`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_size_of takes the last answer's Content-Length from curl's headers, else the size given", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${passScript(dir)}\nprintf '%s|' "$(tmpfs_root_size_of "$1" "$2")"`;
    // A pipe as stdin: no file's size.
    const pid = "self";
    const cases: [string | null, string, string][] = [
      [null, "", ""],
      [null, "777", "777"],
      [
        "HTTP/1.1 302 Found\r\nContent-Length: 5\r\nLocation: /b\r\n\r\n" +
        "HTTP/1.1 200 OK\r\ncontent-length:  123456789\r\n\r\n",
        "777",
        "123456789",
      ],
      // The last answer has none (chunked): not the redirect's.
      [
        "HTTP/1.1 302 Found\r\nContent-Length: 5\r\n\r\nHTTP/2 200\r\ntransfer-encoding: chunked\r\n\r\n",
        "777",
        "777",
      ],
      ["HTTP/2 200\r\nCONTENT-LENGTH: 42\r\n\r\n", "", "42"],
    ];
    for (const shell of SHELLS) {
      for (const [headers, given, want] of cases) {
        await Deno.remove(`${dir}/headers`).catch(() => {});
        if (headers !== null) await Deno.writeTextFile(`${dir}/headers`, headers);
        const child = new Deno.Command(shell[1][0]!, {
          args: [...shell[1].slice(1), "-c", script, "sh", pid, given],
          stdin: "piped",
          stdout: "piped",
        }).spawn();
        await child.stdin.close();
        const out = await child.output();
        assert.equal(new TextDecoder().decode(out.stdout), `${want}|`, `${shell[0]} ${headers}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tmpfs_root_pass without a size gives the bytes read and the throughput only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chunk = new Uint8Array(MiB);
    const lines = `${dir}/lines`;
    const { out } = await runFed(
      ["dash"],
      `${passScript(dir)}\ntmpfs_root_pass a.tar 1 "" >/dev/null`,
      [],
      lines,
      [chunk, chunk, chunk],
      1300,
    );
    assert.equal(out.code, 0);
    const got = await said(lines);
    assert.ok(got.length >= 1, JSON.stringify(got));
    for (const l of got) assert.match(l.text, UNKNOWN);
    assert.equal(UNKNOWN.exec(got[0]!.text)![1], "a.tar");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The whole unpack, as in extract_test.ts, with progress every second. */
function extractScript(run: string): string {
  return [
    SAY,
    ...[
      "first_line",
      "first_error",
      "decompress",
      "feed",
      "pass",
      "progress",
      "clock",
      "field",
      "size_of",
      "human",
      "hash",
      "extract",
    ].map((f) => functionText(LIB, `tmpfs_root_${f}`)),
  ].join("\n").replaceAll("/run/tmpfs-root", run) + "\n" +
    `mkdir -p "$1/into"\n` +
    `if tmpfs_root_extract "$1/into" rootfs.tar.zst "" 1 "$2" ${
      attributeList(ATTRIBUTES)
    }; then echo ok; ` +
    `else printf '%s\\n' "$tmpfs_root_cause"; fi`;
}

Deno.test("tmpfs_root_extract prints progress lines for an archive that arrives slowly, with the manifest's size, and unpacks it", async () => {
  for (const p of ["tar", "zstd"]) await requireProgram(p);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/tree`);
    // Random bytes: zstd cannot shrink them, so the archive is about 3 MiB.
    await Deno.writeFile(`${dir}/tree/blob`, crypto.getRandomValues(new Uint8Array(65536)));
    const out = await new Deno.Command("sh", {
      args: [
        "-ec",
        "for i in $(seq 48); do cat tree/blob; done >tree/big; tar -C tree -cf - . | zstd -q -o a.tar.zst",
      ],
      cwd: dir,
    }).output();
    assert.equal(out.code, 0);
    const archive = await Deno.readFile(`${dir}/a.tar.zst`);
    const parts = 4;
    const step = Math.ceil(archive.length / parts);
    const chunks = Array.from(
      { length: parts },
      (_, i) => archive.subarray(i * step, (i + 1) * step),
    );
    // Bash as busybox's own tar would stand in for GNU tar (extract_test.ts).
    for (const shell of [["dash"], ["bash", "--posix"]]) {
      const run = `${dir}/run-${shell[0]}`;
      await Deno.mkdir(run);
      await Deno.remove(`${dir}/into`, { recursive: true }).catch(() => {});
      const lines = `${dir}/lines-${shell[0]}`;
      const { out, start } = await runFed(
        shell,
        extractScript(run),
        [dir, String(archive.length)],
        lines,
        chunks,
        1300,
      );
      const what = shell[0]!;
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "ok", what);
      assert.equal((await Deno.stat(`${dir}/into/big`)).size, 48 * 65536, what);
      // The progress lines (extract says it starts, too).
      const got = (await said(lines)).filter((l) =>
        l.text.startsWith("tmpfs-root: unpacking rootfs.tar.zst: ")
      );
      assert.ok(got.length >= 2 && got.length <= 4, `${what}: ${JSON.stringify(got)}`);
      checkSpacing(got, start, 1, what);
      for (const l of got) {
        const m = known(l.text, what);
        assert.equal(m[2], humanBytes(archive.length), what);
      }
      assert.ok(Number(known(got[0]!.text, what)[3]) < 100, what);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
