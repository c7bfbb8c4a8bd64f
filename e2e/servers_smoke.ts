/**
 * Self-test of the e2e server infrastructure, without QEMU: namespaces, nfs-ganesha + rpcbind,
 * and the HTTP/HTTPS fault-injecting server, all inside private network namespaces.
 *
 * The host kernel has no NFS client, so NFS is checked with `rpcinfo` and `showmount` (nfs-common)
 * and, when the libnfs-utils package is installed, by reading a file with its userspace client
 * `nfs-cat` over NFSv3 and NFSv4. HTTP is checked with curl inside the namespace.
 *
 * With `--guest`, it also boots the Debian guest kernel under QEMU (TCG) inside a namespace, in a
 * minimal busybox initramfs of its own, and has the guest's kernel NFS client mount the export
 * over NFSv3 and NFSv4 at 10.0.2.2 and check a file's sha256 (about 20 s; uses `e2e/lib/kernel.ts`
 * and `e2e/lib/qemu.ts`).
 *
 * Run as root: `deno run -A e2e/servers_smoke.ts [--guest]`. Prints `N passed, N failed` and exits
 * non-zero on any failure.
 *
 * @module
 */

import { type Namespace, withNamespace } from "./lib/netns.ts";
import { startNfs } from "./lib/nfs_server.ts";
import { type HttpLogEntry, startHttp } from "./lib/http_server.ts";
import { makeTestCa } from "./lib/tls.ts";

let passed = 0;
let failed = 0;

async function check(name: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

function hasCommand(name: string): boolean {
  return ["/usr/bin", "/usr/sbin", "/bin", "/sbin"].some((d) => {
    try {
      return Deno.statSync(`${d}/${name}`).isFile;
    } catch {
      return false;
    }
  });
}

/** curl inside the namespace; never uses a proxy, never retries unless asked. */
function curl(ns: Namespace, args: string[]) {
  return ns.run(["curl", "--noproxy", "*", "-sS", "--max-time", "20", ...args], {
    timeoutMs: 60_000,
  });
}

async function sha256(path: string): Promise<string> {
  const data = await Deno.readFile(path);
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// ------------------------------------------------------------------------------------------------
// A real guest: the Debian kernel's NFS client against nfs-ganesha, through QEMU user networking.

/** The guest's /init: bring up eth0 statically on slirp's network, mount, check, power off. */
const GUEST_NFS_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() { echo "TMPFS-ROOT-E2E: FAIL $*"; poweroff -f; sleep 10; }
for m in virtio_pci virtio_net nfsv3 nfsv4; do modprobe "$m" || fail "modprobe $m"; done
want=$(sed -n 's/.*e2e.sha256=\\([0-9a-f]*\\).*/\\1/p' /proc/cmdline)
ip link set lo up
ip link set eth0 up || fail "no eth0"
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
mkdir -p /mnt/v3 /mnt/v4 /mnt/no3 /mnt/no4
o3=ro,vers=3,proto=tcp,mountproto=tcp,nolock,addr=10.0.2.2,mountaddr=10.0.2.2
mount -t nfs -o "$o3" 10.0.2.2:/nfsexport /mnt/v3 || fail "NFSv3 mount"
got=$(sha256sum /mnt/v3/images/rootfs.tar.gz | cut -d' ' -f1)
echo "E2E NFSv3 sha256 $got"
[ "$got" = "$want" ] || fail "NFSv3 content differs"
ls -ln /mnt/v3/hello.txt
umount /mnt/v3 || fail "NFSv3 umount"
o4=ro,vers=4.2,addr=10.0.2.2,clientaddr=10.0.2.15
mount -t nfs4 -o "$o4" 10.0.2.2:/nfsexport /mnt/v4 || fail "NFSv4 mount"
got=$(sha256sum /mnt/v4/images/rootfs.tar.gz | cut -d' ' -f1)
echo "E2E NFSv4 sha256 $got"
[ "$got" = "$want" ] || fail "NFSv4 content differs"
ls -ln /mnt/v4/hello.txt
umount /mnt/v4 || fail "NFSv4 umount"
url=http://10.0.2.2:8080/images/rootfs.tar.gz
if wget -q -O /tmp/first "$url"; then fail "HTTP: the dropped transfer succeeded"; fi
echo "E2E HTTP first attempt failed (connection dropped after 100000 bytes)"
got=$(wget -q -O - "$url" | sha256sum | cut -d' ' -f1)
echo "E2E HTTP sha256 $got"
[ "$got" = "$want" ] || fail "HTTP content differs"
if mount -t nfs -o "$o3" 10.0.2.2:/not-exported /mnt/no3; then fail "NFSv3 mounted a missing export"; fi
if mount -t nfs4 -o "$o4" 10.0.2.2:/not-exported /mnt/no4; then fail "NFSv4 mounted a missing export"; fi
echo "TMPFS-ROOT-E2E: PASS"
poweroff -f
sleep 10
`;

async function sh(script: string): Promise<void> {
  const out = await new Deno.Command("sh", { args: ["-c", script], stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`Command "${script}" failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Build a busybox initramfs with the guest kernel's virtio-net and NFS modules. */
async function nfsGuestInitrd(dir: string, moddir: string, kver: string): Promise<string> {
  const stage = `${dir}/stage`;
  for (const d of ["bin", "proc", "sys", "dev", "mnt", `lib/modules/${kver}`]) {
    await Deno.mkdir(`${stage}/${d}`, { recursive: true });
  }
  await Deno.copyFile("/bin/busybox", `${stage}/bin/busybox`);
  await Deno.chmod(`${stage}/bin/busybox`, 0o755);
  await Deno.writeTextFile(`${stage}/init`, GUEST_NFS_INIT);
  await Deno.chmod(`${stage}/init`, 0o755);
  // modprobe needs modules.dep and every module in the closure of what /init loads.
  const depText = await Deno.readTextFile(`${moddir}/modules.dep`);
  const deps = new Map<string, string[]>();
  for (const line of depText.split("\n")) {
    const [mod, rest] = line.split(":");
    if (mod && rest !== undefined) deps.set(mod, rest.trim().split(/\s+/).filter((x) => x));
  }
  const want = new Set<string>();
  const add = (mod: string) => {
    if (want.has(mod)) return;
    want.add(mod);
    for (const d of deps.get(mod) ?? []) add(d);
  };
  for (const name of ["virtio_pci", "virtio_net", "nfsv3", "nfsv4"]) {
    const mod = [...deps.keys()].find((m) => m.endsWith(`/${name}.ko`));
    if (!mod) throw new Error(`Module "${name}" not found in ${moddir}`);
    add(mod);
  }
  for (const mod of want) {
    const dest = `${stage}/lib/modules/${kver}/${mod}`;
    await Deno.mkdir(dest.slice(0, dest.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${moddir}/${mod}`, dest);
  }
  const lines = depText.split("\n").filter((l) => want.has(l.split(":")[0] ?? ""));
  await Deno.writeTextFile(`${stage}/lib/modules/${kver}/modules.dep`, lines.join("\n") + "\n");
  await sh(`mknod '${stage}/dev/console' c 5 1 && mknod '${stage}/dev/null' c 1 3`);
  const initrd = `${dir}/initrd.cpio`;
  await sh(`cd '${stage}' && find . -print0 | cpio --null -o -H newc --quiet > '${initrd}'`);
  return initrd;
}

async function guestChecks(root: string, bigSum: string): Promise<void> {
  const { ensureKernel } = await import("./lib/kernel.ts");
  const { boot, findMarker } = await import("./lib/qemu.ts");
  const kernel = await ensureKernel();
  await withNamespace(async (ns) => {
    const initrd = await nfsGuestInitrd(`${ns.tmpDir}/guest`, kernel.moddir, kernel.kver);
    await startNfs(ns, { exportDir: root, versions: [3, 4] });
    const http = await startHttp(ns, {
      root,
      port: 8080,
      faults: { dropAfterBytes: { bytes: 100_000, path: "/images/rootfs.tar.gz", times: 1 } },
    });
    await check("guest: NFSv3 and NFSv4 mounts and HTTP downloads from 10.0.2.2 work", async () => {
      const r = await boot({
        kernel: kernel.vmlinuz,
        initrd,
        append: `e2e.sha256=${bigSum}`,
        log: `${ns.tmpDir}/guest/console.log`,
        wrap: ns.wrap,
        net: true,
        timeoutSec: 180,
      });
      const marker = findMarker(r.log);
      const tail = r.log.split("\n").slice(-15).join("\n");
      expect(
        marker?.pass === true,
        `${marker?.reason ?? "no marker"} after ${r.seconds} s\n${tail}`,
      );
      for (const line of r.log.split("\n")) {
        if (/^(E2E |TMPFS-ROOT-E2E:|mount: )/.test(line)) {
          console.log(`     guest: ${line.trimEnd()}`);
        }
      }
      console.log(`     (boot took ${r.seconds.toFixed(1)} s)`);
      const log = await http.requests();
      const seen = log.map((e) => `${e.outcome}:${e.bytes}:${e.remote.split(":")[0]}`).join(",");
      expect(seen === "dropped:100000:127.0.0.1,ok:3145728:127.0.0.1", `HTTP log: ${seen}`);
    });
  }, { maxLifetimeSeconds: 600 });
}

const work = await Deno.makeTempDir({ prefix: "tmpfs-root-smoke-" });
try {
  // Fixture: an "image" with random content and a small text file.
  const root = `${work}/root`;
  await Deno.mkdir(`${root}/images`, { recursive: true });
  const big = new Uint8Array(3 * 1024 * 1024);
  for (let off = 0; off < big.length; off += 65536) {
    crypto.getRandomValues(big.subarray(off, off + 65536));
  }
  await Deno.writeFile(`${root}/images/rootfs.tar.gz`, big);
  await Deno.writeTextFile(`${root}/hello.txt`, "hello from the export\n");
  const bigSum = await sha256(`${root}/images/rootfs.tar.gz`);

  // ------------------------------------------------------------------------------------------
  // Namespaces
  let nsPid = 0;
  let spawnedPid = 0;
  await withNamespace(async (ns) => {
    nsPid = ns.pid;
    await check("namespace has only a loopback interface, and it is up", async () => {
      const r = await ns.run(["ip", "-o", "link"], { check: true });
      const links = r.stdout.trim().split("\n");
      expect(links.length === 1 && /^1: lo: <LOOPBACK,UP/.test(links[0] ?? ""), r.stdout);
      const route = await ns.run(["ip", "route", "get", "192.0.2.1"]);
      expect(!route.success, `a route out exists: ${route.stdout}`);
    });
    await check("namespace has a private tmpfs on /run", async () => {
      const r = await ns.run(["findmnt", "-n", "-o", "FSTYPE", "/run"], { check: true });
      expect(r.stdout.trim() === "tmpfs", r.stdout);
      await ns.run(["touch", "/run/smoke-marker"], { check: true });
      expect(!(await Deno.stat("/run/smoke-marker").catch(() => null)), "marker leaked to host");
    });
    await check("ns.run enforces its timeout inside the namespace", async () => {
      const t0 = Date.now();
      const r = await ns.run(["sleep", "30"], { timeoutMs: 1000 });
      expect(r.code === 124 && Date.now() - t0 < 5000, `code ${r.code}`);
    });
    await check("ns.spawn runs in the PID namespace and stop() ends it", async () => {
      const p = await ns.spawn(["sleep", "300"]);
      spawnedPid = p.hostPid;
      const status = Deno.readTextFileSync(`/proc/${p.hostPid}/status`);
      expect(/^NSpid:\s+\d+\s+\d+$/m.test(status), "not in a nested PID namespace");
      const q = await ns.spawn(["sleep", "301"]);
      await q.stop();
      expect(!(await Deno.stat(`/proc/${q.hostPid}`).catch(() => null)), "still running");
    });
  });
  await check("teardown killed the namespace and everything in it", () => {
    for (const pid of [nsPid, spawnedPid]) {
      let state = "";
      try {
        state = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]?.[0] ?? "";
      } catch { /* gone */ }
      expect(state === "" || state === "Z", `process ${pid} still alive (${state})`);
    }
    return Promise.resolve();
  });
  await check("withNamespace tears down when the body throws", async () => {
    let pid = 0;
    const err = await withNamespace(async (ns) => {
      pid = (await ns.spawn(["sleep", "300"])).hostPid;
      throw new Error("boom");
    }).catch((e: Error) => e);
    expect(err instanceof Error && err.message === "boom", String(err));
    expect(!(await Deno.stat(`/proc/${pid}`).catch(() => null)), `process ${pid} survived`);
  });

  // ------------------------------------------------------------------------------------------
  // NFS
  const libnfs = hasCommand("nfs-cat");
  if (!libnfs) console.log("note: libnfs-utils not installed; skipping userspace NFS reads");
  await withNamespace(async (ns) => {
    const nfs = await startNfs(ns, { exportDir: root, path: "/nfsexport", versions: [3, 4] });
    await check("NFS v3+v4: rpcbind lists nfs 3, nfs 4 and mountd 3", async () => {
      const r = await ns.run(["rpcinfo", "-p", "127.0.0.1"], { check: true });
      for (const re of [/100003\s+3\s+tcp\s+2049/, /100003\s+4\s+tcp\s+2049/, /100005\s+3\s+tcp/]) {
        expect(re.test(r.stdout), `missing ${re}: ${r.stdout}`);
      }
    });
    await check("NFS v3+v4: showmount -e lists /nfsexport", async () => {
      const r = await ns.run(["showmount", "-e", "127.0.0.1"], { check: true });
      expect(/^\/nfsexport\s/m.test(r.stdout), r.stdout);
    });
    if (libnfs) {
      for (const v of [3, 4]) {
        await check(`NFS v3+v4: nfs-cat reads the image over NFSv${v}`, async () => {
          const out = `${ns.tmpDir}/copy-v${v}`;
          const r = await ns.run([
            "sh",
            "-c",
            `nfs-cat 'nfs://127.0.0.1/nfsexport/images/rootfs.tar.gz?version=${v}' > '${out}'`,
          ]);
          expect(r.success, r.stderr);
          expect((await sha256(out)) === bigSum, "content differs");
        });
      }
      await check("NFS v3+v4: NFSv4 owners are numeric (root is 0, not nobody)", async () => {
        const r = await ns.run(["nfs-ls", "nfs://127.0.0.1/nfsexport?version=4"], { check: true });
        expect(/\s0\s+0\s+\d+\s+hello\.txt/.test(r.stdout), r.stdout);
      });
    }
    expect(nfs.source(4) === "nfs4:10.0.2.2:/nfsexport", nfs.source(4));
    await nfs.stop();
    await check("NFS: stop() stops ganesha and rpcbind", async () => {
      const r = await ns.run(["rpcinfo", "-p", "127.0.0.1"]);
      expect(!r.success, r.stdout);
      const ps = await ns.run(["ps", "-e", "-o", "comm="]);
      expect(!/ganesha|rpcbind/.test(ps.stdout), ps.stdout);
    });

    const v4 = await startNfs(ns, { exportDir: root, versions: [4], rpcbind: false });
    await check("NFS v4 only, no rpcbind: nfs 4 answers, NFSv3 does not", async () => {
      const r = await ns.run(["rpcinfo", "-p", "127.0.0.1"]);
      expect(!r.success, "rpcbind answered");
      if (libnfs) {
        const ok = await ns.run(["nfs-cat", "nfs://127.0.0.1/nfsexport/hello.txt?version=4"]);
        expect(ok.success && ok.stdout === "hello from the export\n", ok.stderr);
        const no = await ns.run(["nfs-cat", "nfs://127.0.0.1/nfsexport/hello.txt?version=3"]);
        expect(!no.success, "NFSv3 read worked");
      }
    });
    await v4.stop();

    const missing = await startNfs(ns, { exportDir: root, mode: "export-missing" });
    await check("NFS export-missing: server up, /nfsexport not exported", async () => {
      const r = await ns.run(["showmount", "-e", "127.0.0.1"], { check: true });
      expect(!/^\/nfsexport\s/m.test(r.stdout), r.stdout);
      expect(/^\/nfsexport-not-here\s/m.test(r.stdout), r.stdout);
      if (libnfs) {
        for (const v of [3, 4]) {
          const no = await ns.run(["nfs-cat", `nfs://127.0.0.1/nfsexport/hello.txt?version=${v}`]);
          expect(!no.success, `NFSv${v} read worked`);
        }
      }
    });
    await missing.stop();

    const noNfsd = await startNfs(ns, { exportDir: root, mode: "no-nfsd" });
    await check("NFS no-nfsd: rpcbind answers, nfs is not registered", async () => {
      const r = await ns.run(["rpcinfo", "-p", "127.0.0.1"], { check: true });
      expect(!/100003/.test(r.stdout), r.stdout);
      const t = await ns.run(["rpcinfo", "-t", "127.0.0.1", "nfs", "3"]);
      expect(!t.success && /not registered/i.test(t.stdout + t.stderr), t.stdout + t.stderr);
    });
    await noNfsd.stop();

    const down = await startNfs(ns, { exportDir: root, mode: "down" });
    await check("NFS down: connections refused", async () => {
      const r = await ns.run(["rpcinfo", "-p", "127.0.0.1"]);
      expect(!r.success && /refused/i.test(r.stderr + r.stdout), r.stderr);
      const s = await ns.run(["showmount", "-e", "127.0.0.1"]);
      expect(!s.success, s.stdout);
    });
    await down.stop();
  });

  // ------------------------------------------------------------------------------------------
  // HTTP
  await withNamespace(async (ns) => {
    const out = `${ns.tmpDir}/dl`;
    const http = await startHttp(ns, { root, port: 8080 });
    const local = (p: string) => http.url(p, "127.0.0.1");
    await check("HTTP: url() points the guest at 10.0.2.2", () => {
      expect(http.url("/images/rootfs.tar.gz") === "http://10.0.2.2:8080/images/rootfs.tar.gz", "");
      return Promise.resolve();
    });
    await check("HTTP: GET returns the whole file", async () => {
      const r = await curl(ns, ["-f", "-o", out, local("/images/rootfs.tar.gz")]);
      expect(r.success, r.stderr);
      expect((await sha256(out)) === bigSum, "content differs");
    });
    await check("HTTP: HEAD gives Content-Length, Range gives 206", async () => {
      const h = await curl(ns, ["-fI", local("/images/rootfs.tar.gz")]);
      expect(/content-length: 3145728/i.test(h.stdout), h.stdout);
      const r = await curl(ns, ["-f", "-r", "11-20", "-D", "-", "-o", out, local("/hello.txt")]);
      expect(/^HTTP\/1\.1 206/.test(r.stdout), r.stdout);
      expect((await Deno.readTextFile(out)) === "the export", await Deno.readTextFile(out));
    });
    await check("HTTP: missing file and path traversal give 404", async () => {
      const r = await curl(ns, ["-f", "-o", "/dev/null", local("/nope.tgz")]);
      expect(r.code === 22, `curl exit ${r.code}`);
      const t = await curl(ns, ["-f", "--path-as-is", "-o", "/dev/null", local("/../etc/passwd")]);
      expect(t.code === 22, `curl exit ${t.code}`);
    });
    await check("HTTP: the request log records each request", async () => {
      const log = await http.requests();
      expect(log.length === 5, `${log.length} entries`);
      const last = log.at(-1) as HttpLogEntry;
      expect(last.status === 404 && last.outcome === "not-found", JSON.stringify(last));
      expect(log[0]?.bytes === 3145728 && log[0]?.outcome === "ok", JSON.stringify(log[0]));
    });
    await http.stop();
    await check("HTTP: stop() closes the port", async () => {
      const r = await curl(ns, ["-o", "/dev/null", local("/hello.txt")]);
      expect(r.code === 7, `curl exit ${r.code}`);
    });

    const faulty = await startHttp(ns, {
      root,
      port: 0,
      faults: {
        notFound: ["/hello.txt"],
        dropAfterBytes: { bytes: 100_000, path: "/images/rootfs.tar.gz", times: 1 },
      },
    });
    const fl = (p: string) => faulty.url(p, "127.0.0.1");
    await check("HTTP faults: notFound answers 404 for an existing file", async () => {
      const r = await curl(ns, ["-f", "-o", "/dev/null", fl("/hello.txt")]);
      expect(r.code === 22, `curl exit ${r.code}`);
    });
    await check("HTTP faults: dropAfterBytes gives curl a partial transfer", async () => {
      const r = await curl(ns, ["-f", "-o", out, fl("/images/rootfs.tar.gz")]);
      expect(r.code === 18, `curl exit ${r.code}: ${r.stderr}`);
      expect((await Deno.stat(out)).size === 100_000, `${(await Deno.stat(out)).size} bytes`);
      const entry = (await faulty.requests()).at(-1);
      expect(entry?.outcome === "dropped" && entry.bytes === 100_000, JSON.stringify(entry));
    });
    await check("HTTP faults: dropAfterBytes times=1 lets the retry succeed", async () => {
      const r = await curl(ns, ["-f", "-o", out, fl("/images/rootfs.tar.gz")]);
      expect(r.success && (await sha256(out)) === bigSum, `curl exit ${r.code}`);
    });
    await faulty.stop();

    for (const mode of ["close", "503", "reset"] as const) {
      const flaky = await startHttp(ns, {
        root,
        port: 0,
        faults: { failFirst: { count: 2, mode } },
      });
      await check(
        `HTTP faults: failFirst 2 (${mode}) fails twice, then curl --retry succeeds`,
        async () => {
          const once = await curl(ns, [
            "-f",
            "-o",
            "/dev/null",
            flaky.url("/hello.txt", "127.0.0.1"),
          ]);
          expect(!once.success, "first attempt succeeded");
          const r = await curl(ns, [
            "-f",
            "--retry",
            "3",
            "--retry-delay",
            "1",
            "--retry-all-errors",
            "-o",
            out,
            flaky.url("/images/rootfs.tar.gz", "127.0.0.1"),
          ]);
          expect(r.success, `curl exit ${r.code}: ${r.stderr}`);
          expect((await sha256(out)) === bigSum, "content differs");
          const log = await flaky.requests();
          const outcomes = log.map((e) => e.outcome).join(",");
          const want = mode === "503" ? "503,503,ok" : `${mode === "close" ? "closed" : "reset"}`;
          expect(
            log.length === 3 && outcomes === (mode === "503" ? want : `${want},${want},ok`),
            outcomes,
          );
        },
      );
      await flaky.stop();
    }

    const slow = await startHttp(ns, { root, port: 0, faults: { bytesPerSecond: 1_000_000 } });
    await check("HTTP faults: bytesPerSecond throttles the body", async () => {
      const t0 = Date.now();
      const r = await curl(ns, ["-f", "-o", out, slow.url("/images/rootfs.tar.gz", "127.0.0.1")]);
      const ms = Date.now() - t0;
      expect(r.success && ms > 2500, `curl exit ${r.code} after ${ms} ms`);
    });
    await slow.stop();

    // HTTPS
    const tls = await makeTestCa(`${ns.tmpDir}/tls`);
    const https = await startHttp(ns, {
      root,
      tls,
      faults: { dropAfterBytes: { bytes: 50_000, path: "/images/rootfs.tar.gz" } },
    });
    await check("HTTPS: the certificate verifies for 127.0.0.1 with the test CA", async () => {
      const r = await curl(ns, [
        "-f",
        "--cacert",
        tls.caCert,
        https.url("/hello.txt", "127.0.0.1"),
      ]);
      expect(
        r.success && r.stdout === "hello from the export\n",
        `curl exit ${r.code}: ${r.stderr}`,
      );
    });
    await check("HTTPS: the certificate verifies for its hostname and holds 10.0.2.2", async () => {
      const host = tls.hostnames[0] ?? "";
      const r = await curl(ns, [
        "-f",
        "--cacert",
        tls.caCert,
        "--resolve",
        `${host}:${https.port}:127.0.0.1`,
        https.url("/hello.txt", host),
      ]);
      expect(r.success, `curl exit ${r.code}: ${r.stderr}`);
      const text = await new Deno.Command("openssl", {
        args: ["x509", "-in", tls.cert, "-noout", "-ext", "subjectAltName"],
        stdout: "piped",
      }).output();
      const san = new TextDecoder().decode(text.stdout);
      expect(/IP Address:10\.0\.2\.2/.test(san), san);
    });
    await check("HTTPS: without the test CA curl refuses the certificate", async () => {
      const r = await curl(ns, ["-f", "-o", "/dev/null", https.url("/hello.txt", "127.0.0.1")]);
      expect(r.code === 60, `curl exit ${r.code}`);
    });
    await check("HTTPS: a certificate from another CA is refused", async () => {
      const other = await makeTestCa(`${ns.tmpDir}/tls-other`, { caName: "other CA" });
      const r = await curl(ns, [
        "-f",
        "--cacert",
        other.caCert,
        "-o",
        "/dev/null",
        https.url("/hello.txt", "127.0.0.1"),
      ]);
      expect(r.code === 60, `curl exit ${r.code}`);
    });
    await check("HTTPS faults: dropAfterBytes gives curl a partial transfer", async () => {
      const r = await curl(ns, [
        "-f",
        "--cacert",
        tls.caCert,
        "-o",
        out,
        https.url("/images/rootfs.tar.gz", "127.0.0.1"),
      ]);
      expect(r.code === 18 || r.code === 56, `curl exit ${r.code}: ${r.stderr}`);
      expect((await Deno.stat(out)).size === 50_000, `${(await Deno.stat(out)).size} bytes`);
    });
    await https.stop();
  });

  if (Deno.args.includes("--guest")) await guestChecks(root, bigSum);
} finally {
  await Deno.remove(work, { recursive: true }).catch(() => {});
}

console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
