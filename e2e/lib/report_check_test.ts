import assert from "#assert";
import { REPORT_EXAMPLE } from "@tmpfs-root/model";
import { checkReport, type ReportExpect } from "./report_check.ts";

const WANT: ReportExpect = {
  result: "ok",
  sourceKind: "block",
  layers: [{ name: "images/rootfs.tar.zst", format: "zstd", checked: true, tries: 1 }],
  tmpfs: true,
};

Deno.test("checkReport() accepts the model's example report from the guest's line", () => {
  const log = `boot...\r\nTMPFS-ROOT-E2E-REPORT: ${
    JSON.stringify(REPORT_EXAMPLE)
  }\r\nTMPFS-ROOT-E2E: PASS\r\n`;
  assert.deepEqual(checkReport(log, WANT), []);
});

Deno.test("checkReport() names a field that differs, a report that is not JSON, and a missing one", () => {
  const other = { ...REPORT_EXAMPLE, layers: [{ ...REPORT_EXAMPLE.layers[0]!, tries: 2 }] };
  assert.deepEqual(checkReport(`e2e-report: ${JSON.stringify(other)} (cleanup)\n`, WANT), [
    "report.json: layer 0 tries 1, got 2",
  ]);
  assert.match(checkReport('TMPFS-ROOT-E2E-REPORT: {"version":1,\n', WANT)[0]!, /is not JSON/);
  assert.deepEqual(checkReport("nothing\n", WANT), ["no report.json on the console"]);
});
