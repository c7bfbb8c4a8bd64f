import assert from "#assert";
import { type HttpServer, startHttp } from "./http_server.ts";
import { type Namespace, withNamespace } from "./netns.ts";

/** 512 bytes that are not zeros, as base64 (the server's config is JSON). */
const PREFIX = Uint8Array.from({ length: 512 }, (_, i) => (i * 7 + 1) & 0xff);
const PREFIX_B64 = btoa(String.fromCharCode(...PREFIX));

/** curl inside the namespace: no proxy, no retries; `--max-time` bounds it. */
function curl(ns: Namespace, args: string[], maxTime = 20) {
  return ns.run(["curl", "--noproxy", "*", "-sS", "--max-time", String(maxTime), ...args], {
    timeoutMs: 60_000,
  });
}

/** Waits until the server's log holds `n` entries (a closed client is noticed on the next write). */
async function waitForLog(http: HttpServer, n: number) {
  for (let i = 0; i < 100; i++) {
    const log = await http.requests();
    if (log.length >= n) return log;
    await new Promise((r) => setTimeout(r, 50));
  }
  return await http.requests();
}

/** Runs `f` with a fresh namespace and a web root holding `images/a.bin`. */
async function withServerRoot(f: (ns: Namespace, root: string) => Promise<void>): Promise<void> {
  await withNamespace(async (ns) => {
    const root = `${ns.tmpDir}/www`;
    await Deno.mkdir(`${root}/images`, { recursive: true });
    await Deno.writeTextFile(`${root}/images/a.bin`, "the archive\n");
    await f(ns, root);
  }, { maxLifetimeSeconds: 120 });
}

Deno.test({
  name: "startHttp() redirects: curl -L follows them, and --proto-redir refuses another scheme",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    await withServerRoot(async (ns, root) => {
      const target = await startHttp(ns, { root, port: 0 });
      const source = await startHttp(ns, {
        root,
        port: 0,
        faults: {
          redirects: {
            "/moved.bin": { location: target.url("/images/a.bin", "127.0.0.1") },
            "/seen.bin": { location: "/images/a.bin", status: 301 },
          },
        },
      });
      const moved = source.url("/moved.bin", "127.0.0.1");
      const head = await curl(ns, ["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", moved]);
      assert.equal(head.stdout, `302 ${target.url("/images/a.bin", "127.0.0.1")}`);
      const follow = await curl(ns, ["-fL", source.url("/seen.bin", "127.0.0.1")]);
      assert.equal(follow.stdout, "the archive\n");
      // The rule for an https source (both servers are plain here): a redirect to http is not
      // followed, and its target sees no request.
      const refuse = await curl(ns, ["-fL", "--proto-redir", "=https", moved]);
      assert.equal(refuse.code, 1, refuse.stderr);
      assert.equal((await target.requests()).length, 0);
      // The server logs a request once its answer is done, which may come after curl has quit.
      let log = await source.requests();
      for (let i = 0; i < 50 && log.length < 4; i++) {
        await new Promise((r) => setTimeout(r, 100));
        log = await source.requests();
      }
      assert.deepEqual(
        log.map((e) => [e.path, e.status, e.outcome]),
        [
          ["/moved.bin", 302, "redirect"],
          ["/seen.bin", 301, "redirect"],
          ["/images/a.bin", 200, "ok"],
          ["/moved.bin", 302, "redirect"],
        ],
      );
    });
  },
});

Deno.test({
  name:
    "startHttp() endless: the prefix, then zeros, with no Content-Length, until the client quits",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    await withServerRoot(async (ns, root) => {
      const http = await startHttp(ns, {
        root,
        port: 0,
        faults: { endless: { "/endless.tar": { prefixBase64: PREFIX_B64 } } },
      });
      const out = `${ns.tmpDir}/endless.out`;
      const url = http.url("/endless.tar", "127.0.0.1");
      // 8 MiB, then head closes the pipe and curl stops (its exit 23: a write error).
      const r = await ns.run([
        "sh",
        "-c",
        `curl --noproxy '*' -sS -D "$2.head" --max-time 20 "$1" | head -c 8388608 >"$2"`,
        "sh",
        url,
        out,
      ], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      const body = await Deno.readFile(out);
      assert.equal(body.length, 8 * 1048576);
      assert.deepEqual(body.subarray(0, 512), PREFIX);
      assert.ok(body.subarray(512).every((b) => b === 0), "zeros after the prefix");
      const head = await Deno.readTextFile(`${out}.head`);
      assert.match(head, /^HTTP\/1\.1 200 OK\r$/m);
      assert.doesNotMatch(head, /content-length|transfer-encoding/i);
      const [entry] = await waitForLog(http, 1);
      assert.equal(entry?.outcome, "client-closed");
      assert.ok((entry?.bytes ?? 0) >= 8 * 1048576, `${entry?.bytes} bytes`);
    });
  },
});

Deno.test({
  name: "startHttp() endless, chunked and trickled: a few bytes a second after the prefix",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    await withServerRoot(async (ns, root) => {
      const http = await startHttp(ns, {
        root,
        port: 0,
        faults: {
          endless: {
            "/slow.tar": { prefixBase64: PREFIX_B64, bytesPerSecond: 2, framing: "chunked" },
          },
        },
      });
      const out = `${ns.tmpDir}/slow.out`;
      const r = await curl(
        ns,
        ["-D", `${out}.head`, "-o", out, http.url("/slow.tar", "127.0.0.1")],
        3,
      );
      assert.equal(r.code, 28, `curl exit ${r.code} (28: timed out): ${r.stderr}`);
      const head = await Deno.readTextFile(`${out}.head`);
      assert.match(head, /^transfer-encoding: chunked\r$/im);
      assert.doesNotMatch(head, /content-length/i);
      const body = await Deno.readFile(out);
      assert.deepEqual(body.subarray(0, 512), PREFIX);
      // About 2 bytes a second for 3 seconds (the first pair at once).
      assert.ok(body.length >= 512 + 4 && body.length <= 512 + 10, `${body.length} bytes`);
      assert.ok(body.subarray(512).every((b) => b === 0));
    });
  },
});
