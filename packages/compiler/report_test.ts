import assert from "#assert";
import { deterministicReport, REPORT_FIELDS, REPORT_KEYS } from "@tmpfs-root/model";
import { requireProgram } from "@tmpfs-root/shell";
import { functionText } from "./_testing.ts";

/** The report's functions from the library, as the module defines them. */
const REPORT_FUNCTIONS = [
  "json_string",
  "json_number",
  "centis",
  "seconds",
  "df",
  "report_layer",
  "report_json",
  "report",
  "failed",
  "say",
].map((f) =>
  functionText(f === "say" ? "tmpfs-root-params.sh" : "tmpfs-root-lib.sh", `tmpfs_root_${f}`)
);

/** Runs `body` under a shell with a private /run (the functions write /run/tmpfs-root). */
async function run(shell: "dash" | "busybox", body: string[]): Promise<string> {
  await requireProgram("unshare");
  const program = await requireProgram(shell);
  const script = [
    "mount -t tmpfs tmpfs /run || exit 9",
    "mkdir -p /run/tmpfs-root",
    ...REPORT_FUNCTIONS,
    ...body,
  ].join("\n");
  const args = shell === "busybox" ? [program, "sh", "-c", script] : [program, "-c", script];
  const out = await new Deno.Command("unshare", {
    args: ["--mount", "--propagation", "private", ...args],
  }).output();
  assert.equal(new TextDecoder().decode(out.stderr), "");
  return new TextDecoder().decode(out.stdout);
}

for (const shell of ["dash", "busybox"] as const) {
  Deno.test(`tmpfs_root_report under ${shell} writes the key=value report and report.json for a failure`, async () => {
    const warning = "warning=tmpfs-root: warning: tar could not set every extended attribute: x";
    const out = await run(shell, [
      `printf '%s\\n' '${warning}' >/run/tmpfs-root/warnings`,
      "tmpfs_root_kind=block tmpfs_root_spec='LABEL=my \"disk\"'",
      // A layer whose name holds a newline, a quote and a byte that is not UTF-8.
      `tmpfs_root_report_layer "$(printf 'a\\n"\\377.tar')" a.tar gzip 2048 8192 250 '' false 1`,
      "tmpfs_root_cause=\"$(printf 'a\\tb is truncated')\"",
      "tmpfs_root_failed unpack unpack",
      "cat /run/tmpfs-root/report",
      "cat /run/tmpfs-root/report.json",
      "[ -e /run/tmpfs-root/report.json.tmp ] && echo left a temporary file",
    ]);
    const [status, message, warned, json, ...rest] = out.split("\n");
    assert.equal(status, "status=failed");
    assert.equal(message, "message=tmpfs-root: unpack failed: ab is truncated");
    assert.equal(warned, warning);
    assert.deepEqual(rest, [""]);
    assert.match(json!, /^[\x20-\x7e]*$/);
    const r = JSON.parse(json!);
    assert.deepEqual(Object.keys(r), REPORT_KEYS);
    assert.deepEqual(deterministicReport(r), {
      version: 1,
      result: "failed",
      step: "unpack",
      stepId: "unpack",
      cause: "a\tb is truncated",
      message: "tmpfs-root: unpack failed: ab is truncated",
      source: { spec: 'LABEL=my "disk"', kind: "block" },
      layers: [{
        name: 'a\n"\ufffd.tar',
        from: "a.tar",
        format: "gzip",
        bytesRead: 2048,
        sha256: null,
        checked: false,
        tries: 1,
      }],
      tmpfs: null,
      warnings: ["tmpfs-root: warning: tar could not set every extended attribute: x"],
    });
    assert.equal(r.layers[0].seconds, 2.5);
    assert.equal(r.layers[0].bytesPerSecond, 819);
    assert.equal(r.layers[0].bytesUnpacked, 8192);
    assert.equal(typeof r.uptime.end, "number");
  });

  Deno.test(`tmpfs_root_report_json under ${shell} writes every field of the model's table, and null where nothing is known`, async () => {
    const out = await run(shell, [
      "tmpfs_root_report_layer a.tar http://h/a.tar tar '' '' '' '' true 3",
      `tmpfs_root_report_layer b.tar b.tar zstd 10 x 0 ${"f".repeat(64)} true 1`,
      "tmpfs_root_report ok 'unpacked into /sysroot'",
      "cat /run/tmpfs-root/report.json",
    ]);
    const r = JSON.parse(out);
    assert.equal(r.source, null);
    assert.deepEqual(
      r.layers.map((
        l: Record<string, unknown>,
      ) => [l.bytesRead, l.bytesUnpacked, l.seconds, l.bytesPerSecond, l.checked, l.tries]),
      [
        [null, null, 0, null, true, 3],
        [10, null, 0, null, true, 1],
      ],
    );
    assert.equal(r.layers[1].sha256, "f".repeat(64));
    // Every path of the table is in the report (objects that are null stand for their fields).
    for (const f of REPORT_FIELDS) {
      const [top, rest] = f.path.split(/\.|\[\]\./);
      assert.ok(top! in r, f.path);
      if (rest === undefined || r[top!] === null) continue;
      const inner = Array.isArray(r[top!]) ? r[top!][0] : r[top!];
      assert.ok(rest in inner, f.path);
    }
  });
}
