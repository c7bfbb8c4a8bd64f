import assert from "#assert";
import { formatFleetReport, simulateFleet, spread } from "./simulate_fleet.ts";
import { makeArchive } from "./make_archive.ts";

Deno.test("simulateFleet() spreads 1,000 machines' retries against a flaky server, and replays", async () => {
  const body = await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip");
  const options = {
    nodes: 1000,
    url: "http://10.0.2.2/rootfs.tar.gz",
    body,
    p: 0.7,
    flakyFor: 20,
    retryAfter: "5",
    cmdline: "rd.tmpfs.retries=5",
  };
  const r = await simulateFleet(options);
  console.log(formatFleetReport(r));
  assert.ok(r.booted > 950, `${r.booted} booted`);
  // A 503 says Retry-After: 5; the second tries come from 5 to 7 s (5 + 0..2), every second of
  // that window used, none of them by more than half the machines that retried.
  const s = spread(r.secondTry);
  assert.deepEqual([s.min, s.max, s.distinct], [5, 7, 3]);
  const most = Math.max(...[5, 6, 7].map((t) => r.secondTry.filter((x) => x === t).length));
  assert.ok(most < r.secondTry.length / 2, `${most} of ${r.secondTry.length} in one second`);
  assert.ok(s.deviation > 0.6, `deviation ${s.deviation}`);
  // The same seeds replay the same boots.
  assert.deepEqual(await simulateFleet({ ...options, nodes: 50 }), {
    ...(await simulateFleet({ ...options, nodes: 50 })),
  });
});
