// rd.tmpfs.mirror: the source's URL and each mirror's, tried in turn; a pause only after a round;
// a URL that said no left out; the sidecar from the first URL that serves it; a digest that
// covers every mirror alike.
import assert from "#assert";
import { createHash } from "node:crypto";
import { archiveFetches, boot, events, messageOf, TGZ, WEB, withWeb } from "./_testing.ts";
import type { SimResult } from "./trace.ts";
import type { WebResource } from "./vm.ts";

const MIRROR = "http://10.0.2.5:8080";
const DOWN = "http://10.0.2.6";
const GOOD = createHash("sha256").update(TGZ).digest("hex");

const fetched = (r: SimResult) => archiveFetches(r).map((e) => e.url);
const warned = (r: SimResult) => events(r, "warn").map((e) => e.text);

Deno.test("simulate() boots from the second mirror when the source's server is down, at once", async () => {
  const vm = withWeb({ url: `${MIRROR}/rootfs.tar.gz`, body: TGZ });
  const r = await boot(
    `root=tmpfs:${DOWN}/ rd.tmpfs.mirror=${MIRROR}/ rd.tmpfs.sha256=${GOOD}`,
    vm,
  );
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(fetched(r), [`${DOWN}/rootfs.tar.gz`, `${MIRROR}/rootfs.tar.gz`]);
  // The manifest's download from the server that is down warns, and the mirror has none.
  assert.equal(warned(r).length, 2);
  assert.match(warned(r)[0]!, /^tmpfs-root: warning: could not download .*\.manifest: curl: \(7\)/);
  assert.match(
    warned(r)[1]!,
    /^tmpfs-root: try 1 of 8 from http:\/\/10\.0\.2\.6\/rootfs\.tar\.gz failed: curl: \(7\) .*, next from http:\/\/10\.0\.2\.5:8080\/rootfs\.tar\.gz$/,
  );
  // No pause between the two: the next URL of a round is tried at once.
  assert.deepEqual(events(r, "sleep"), []);
  // The digest is checked on the mirror's bytes, and the verify step names the mirror.
  assert.deepEqual(events(r, "verify").map((e) => [e.archive, e.failed]), [
    [`${MIRROR}/rootfs.tar.gz`, null],
  ]);
});

Deno.test("simulate() pauses only after a round, and counts rounds with rd.tmpfs.retries", async () => {
  const r = await boot(
    `root=tmpfs:${DOWN}/a.tgz rd.tmpfs.mirror=${MIRROR}/b.tgz rd.tmpfs.retries=1`,
  );
  assert.deepEqual(fetched(r), [
    `${DOWN}/a.tgz`,
    `${MIRROR}/b.tgz`,
    `${DOWN}/a.tgz`,
    `${MIRROR}/b.tgz`,
  ]);
  // One pause, after the first round; the second round ends the tries (2 rounds of 2 URLs).
  assert.deepEqual(events(r, "sleep").map((e) => [e.attempt, e.tries]), [[2, 4]]);
  assert.match(
    messageOf(r),
    /^tmpfs-root: unpack failed: download of http:\/\/10\.0\.2\.5:8080\/b\.tgz failed after 4 tries: curl: \(7\)/,
  );
  // The kinds in order: try, try, pause, try, try.
  const kinds = r.events.filter((e) => e.kind === "fetch" || e.kind === "sleep")
    .filter((e) => e.kind !== "fetch" || !e.url.endsWith(".manifest")).map((e) => e.kind);
  assert.deepEqual(kinds, ["fetch", "fetch", "sleep", "fetch", "fetch"]);
});

Deno.test("simulate() leaves a mirror that answers 404 out of later rounds, and stops when none is left", async () => {
  const flaky: WebResource = {
    url: `${MIRROR}/rootfs.tar.gz`,
    body: TGZ,
    failFirst: 1,
    failWith: 503,
  };
  const missing: WebResource = { url: `${WEB}/rootfs.tar.gz`, body: TGZ, status: 404 };
  const r = await boot(`root=tmpfs:${WEB}/ rd.tmpfs.mirror=${MIRROR}/`, withWeb(missing, flaky));
  assert.equal(messageOf(r), "switched");
  // 404 from the source, 503 from the mirror, a pause, then the mirror alone.
  assert.deepEqual(fetched(r), [
    `${WEB}/rootfs.tar.gz`,
    `${MIRROR}/rootfs.tar.gz`,
    `${MIRROR}/rootfs.tar.gz`,
  ]);
  assert.match(
    warned(r)[0]!,
    /failed: HTTP 404, next from http:\/\/10\.0\.2\.5:8080\/rootfs\.tar\.gz$/,
  );
  assert.deepEqual(events(r, "sleep").map((e) => e.cause), ["HTTP 503"]);

  const gone = await boot(
    `root=tmpfs:${WEB}/ rd.tmpfs.mirror=${MIRROR}/`,
    withWeb(missing, { ...flaky, failFirst: 0, status: 403 }),
  );
  assert.equal(
    messageOf(gone),
    `tmpfs-root: unpack failed: ${MIRROR}/rootfs.tar.gz answered 403`,
  );
  assert.equal(fetched(gone).length, 2);
});

Deno.test("simulate() reads the sidecar from the first URL that serves it, with the source's missing", async () => {
  const sidecar = new TextEncoder().encode(`${GOOD}  rootfs.tar.gz\n`);
  const vm = withWeb(
    { url: `${WEB}/rootfs.tar.gz`, body: TGZ },
    { url: `${MIRROR}/rootfs.tar.gz`, body: TGZ },
    { url: `${MIRROR}/rootfs.tar.gz.sha256`, body: sidecar },
  );
  const r = await boot(
    `root=tmpfs:${WEB}/ rd.tmpfs.mirror=${MIRROR}/ rd.tmpfs.verify=sidecar`,
    vm,
  );
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(warned(r), [
    `tmpfs-root: ${WEB}/rootfs.tar.gz.sha256 is missing, trying ${MIRROR}/rootfs.tar.gz.sha256`,
  ]);
  // The archive itself still comes from the source's URL, checked against the mirror's sidecar.
  assert.deepEqual(fetched(r).slice(2), [`${WEB}/rootfs.tar.gz`]);
  assert.deepEqual(events(r, "verify").map((e) => e.expected), [GOOD]);

  const none = await boot(
    `root=tmpfs:${WEB}/ rd.tmpfs.mirror=${DOWN}/ rd.tmpfs.verify=sidecar`,
    withWeb({ url: `${WEB}/rootfs.tar.gz`, body: TGZ }),
  );
  assert.match(
    messageOf(none),
    /^tmpfs-root: verify failed: could not download http:\/\/10\.0\.2\.6\/rootfs\.tar\.gz\.sha256: curl: \(7\)/,
  );
});

Deno.test("simulate() refuses rd.tmpfs.mirror with a source that is not a web server, or a mirror that is no URL", async () => {
  const r = await boot(`root=tmpfs:/dev/vda1 rd.tmpfs.mirror=${MIRROR}/`);
  assert.equal(
    messageOf(r),
    `tmpfs-root: cmdline failed: invalid rd.tmpfs.mirror "${MIRROR}/": mirrors are for a web source: give it with root=tmpfs:http:// or https://`,
  );
  const ftp = await boot(`root=tmpfs:${WEB}/ rd.tmpfs.mirror=${MIRROR}/ rd.tmpfs.mirror=ftp://x/`);
  assert.match(
    messageOf(ftp),
    /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.mirror "ftp:\/\/x\/": expected an http:\/\//,
  );
});
