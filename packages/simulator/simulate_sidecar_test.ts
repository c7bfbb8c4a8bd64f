// rd.tmpfs.verify: the sidecar <imgfile>.sha256 and its signature, read before the tmpfs is
// mounted, from every kind of source; the keys of the initramfs, which make the signature
// mandatory (fail-closed) and which the command line cannot turn off.
import assert from "#assert";
import { createHash } from "node:crypto";
import { assertClean, boot, events, messageOf, TGZ, VM, WEB } from "./_testing.ts";
import { signingKey } from "./ed25519.ts";
import { makeArchive } from "./make_archive.ts";
import type { FileTree, Vm, WebResource } from "./vm.ts";
import { withSidecars } from "./with_sidecars.ts";
import type { SimResult } from "./trace.ts";

/** The digest as sha256sum prints it, by another implementation than the simulator's. */
const sha256sum = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const bytes = (s: string) => new TextEncoder().encode(s);

const GOOD = sha256sum(TGZ);
const OTHER = sha256sum(await makeArchive({ "etc/os-release": "ID=other\n" }, "gzip"));
const SITE = await signingKey(1);
const STRANGER = await signingKey(2);

/** Each kind of source: its command line, and the sidecar's name in failure lines. */
const SOURCES: readonly (readonly [string, string, string])[] = [
  ["a block device", "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz", "rootfs.tgz.sha256"],
  [
    "an NFS export",
    "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport rd.tmpfs.imgfile=images/rootfs.tar.gz",
    "images/rootfs.tar.gz.sha256",
  ],
  ["a web server", `root=tmpfs:${WEB}/rootfs.tar.gz`, `${WEB}/rootfs.tar.gz.sha256`],
];

/** What lies beside every archive of VM: a sidecar, and a signature or none. */
interface Beside {
  readonly sidecar?: Uint8Array | null;
  /** The signature's bytes; by default the site key's signature of the sidecar. */
  readonly sig?: Uint8Array | null;
  /** The web server's answer for the sidecar, beyond its body. */
  readonly web?: Partial<WebResource>;
}

/** The sidecar sha256sum writes for the small root. */
const LINE = bytes(`${GOOD}  rootfs.tgz\n${GOOD}  rootfs.tar.gz\n`);

/** VM, with `beside` next to every archive and `keys` in its initramfs. */
async function vm(beside: Beside = {}, keys: FileTree | undefined = undefined): Promise<Vm> {
  const sidecar = beside.sidecar === undefined ? LINE : beside.sidecar;
  const sig = beside.sig === undefined && sidecar !== null
    ? await SITE.sign(sidecar)
    : beside.sig ?? null;
  const web = beside.web === undefined ? {} : { web: beside.web };
  return { ...withSidecars(VM, { sidecar, sig, ...web }), ...(keys === undefined ? {} : { keys }) };
}

/** Nothing was mounted on the new root and nothing unpacked: the boot stopped before. */
function assertStoppedBeforeTheRoot(r: SimResult): void {
  assert.ok(!r.events.some((e) => e.kind === "mount" && e.target === "/sysroot"), "tmpfs mounted");
  assert.ok(!r.events.some((e) => e.kind === "remount"), "tmpfs resized");
  assert.deepEqual(events(r, "unpack"), []);
  assertClean(r);
}

const KEYS = { "site.pub": SITE.publicKey };

for (const [what, cmdline, sidecar] of SOURCES) {
  const sig = `${sidecar}.sig`;

  Deno.test(`simulate() reads the sidecar from ${what} before the tmpfs, then hashes and checks the archive`, async () => {
    const r = await boot(`${cmdline} rd.tmpfs.verify=sidecar`, await vm());
    assert.equal(messageOf(r), "switched");
    assert.deepEqual(events(r, "sidecar").map((e) => [e.sidecar, e.sha256, e.failed]), [
      [sidecar, GOOD, null],
    ]);
    assert.deepEqual(events(r, "verify").map((e) => e.expected), [GOOD]);
    const kinds = r.events.map((e) => e.kind);
    assert.ok(kinds.indexOf("sidecar") < kinds.indexOf("unpack"));
    const tmpfs = r.events.findIndex((e) => e.kind === "mount" && e.target === "/sysroot");
    assert.ok(kinds.indexOf("sidecar") < tmpfs, "the sidecar before the tmpfs");
  });

  Deno.test(`simulate() stops a boot from ${what} whose archive is not the one its sidecar names`, async () => {
    const r = await boot(
      `${cmdline} rd.tmpfs.verify=sidecar`,
      await vm({ sidecar: bytes(`${OTHER}  rootfs.tgz\n${OTHER}  rootfs.tar.gz\n`) }),
    );
    assert.match(messageOf(r), new RegExp(` has sha256 ${GOOD}, expected ${OTHER}$`));
    assert.equal(r.outcome.kind === "stopped" && r.outcome.stepId, "verify");
    assertClean(r);
  });

  /** The archive's file name, as the sidecar's lines give it. */
  const name = sidecar.includes("rootfs.tgz") ? "rootfs.tgz" : "rootfs.tar.gz";
  const refused: readonly (readonly [string, Beside, string])[] = [
    ["no sidecar", { sidecar: null }, `${sidecar} is missing`],
    [
      "no line for it",
      { sidecar: bytes(`${GOOD}  other.tgz\n`) },
      `${sidecar} has no line for ${name}`,
    ],
    [
      "a web page",
      { sidecar: bytes("<html>Not found</html>\n") },
      `${sidecar} is not in sha256sum's format`,
    ],
    [
      "two digests for it",
      { sidecar: bytes(`${GOOD}  ${name}\n${OTHER}  a/${name}\n`) },
      `${sidecar} has lines with different digests for ${name}`,
    ],
    [
      "a sidecar too large",
      { sidecar: new Uint8Array(65537).fill(0x61) },
      `${sidecar} is larger than 65536 bytes`,
    ],
  ];
  for (const [why, beside, line] of refused) {
    Deno.test(`simulate() stops a boot from ${what} before the tmpfs for ${why}`, async () => {
      const r = await boot(
        `${cmdline} rd.tmpfs.verify=sidecar rd.tmpfs.onfail=reboot`,
        await vm(beside),
      );
      assert.equal(messageOf(r), `tmpfs-root: verify failed: ${line}`);
      assert.equal(r.outcome.kind === "stopped" && r.outcome.stepId, "sidecar");
      assert.equal(r.outcome.kind === "stopped" && r.outcome.policy, "reboot");
      assertStoppedBeforeTheRoot(r);
    });
  }

  Deno.test(`simulate() from ${what}: rd.tmpfs.sha256 and the sidecar must agree, and stop naming both`, async () => {
    const same = await boot(
      `${cmdline} rd.tmpfs.verify=sidecar rd.tmpfs.sha256=${GOOD}`,
      await vm(),
    );
    assert.equal(messageOf(same), "switched");
    const differ = await boot(
      `${cmdline} rd.tmpfs.verify=sidecar rd.tmpfs.sha256=${OTHER.toUpperCase()}`,
      await vm(),
    );
    assert.equal(
      messageOf(differ),
      `tmpfs-root: verify failed: ${sidecar} gives sha256 ${GOOD}, but rd.tmpfs.sha256 is ${OTHER}`,
    );
    assertStoppedBeforeTheRoot(differ);
  });

  Deno.test(`simulate() boots an archive from ${what} signed by a key of the initramfs`, async () => {
    // With keys, rd.tmpfs.verify is signature without being given.
    for (const given of ["", " rd.tmpfs.verify=signature"]) {
      const r = await boot(`${cmdline}${given}`, await vm({}, KEYS));
      assert.equal(messageOf(r), "switched");
      assert.deepEqual(events(r, "signature").map(({ step: _, ...e }) => e), [{
        kind: "signature",
        key: "/etc/tmpfs-root/keys/site.pub",
        data: "/run/tmpfs-root/sidecar",
        sig: "/run/tmpfs-root/sidecar.sig",
        verified: true,
      }]);
      assert.deepEqual(events(r, "verify").map((e) => e.expected), [GOOD]);
    }
  });

  Deno.test(`simulate() tries each key in turn for ${what}, and stops when none verifies`, async () => {
    const both = { "a-stranger.pub": STRANGER.publicKey, "site.pub": SITE.publicKey };
    const r = await boot(cmdline, await vm({}, both));
    assert.equal(messageOf(r), "switched");
    assert.deepEqual(events(r, "signature").map((e) => [e.key, e.verified]), [
      ["/etc/tmpfs-root/keys/a-stranger.pub", false],
      ["/etc/tmpfs-root/keys/site.pub", true],
    ]);
    const stranger = await boot(cmdline, await vm({}, { "a-stranger.pub": STRANGER.publicKey }));
    assert.equal(
      messageOf(stranger),
      `tmpfs-root: verify failed: ${sig} is not a signature of ${sidecar} by any key in /etc/tmpfs-root/keys`,
    );
    assertStoppedBeforeTheRoot(stranger);
  });

  const signatures: readonly (readonly [string, () => Promise<Vm>, string])[] = [
    [
      "an unsigned archive",
      () => vm({ sig: null }, KEYS),
      `${sig} is missing: this initramfs boots only signed archives`,
    ],
    [
      "a signature by an unknown key",
      async () => vm({ sig: await STRANGER.sign(LINE) }, KEYS),
      `${sig} is not a signature of ${sidecar} by any key in /etc/tmpfs-root/keys`,
    ],
    [
      "a sidecar changed after it was signed",
      async () =>
        vm({
          sidecar: bytes(`${OTHER}  rootfs.tgz\n${OTHER}  rootfs.tar.gz\n`),
          sig: await SITE.sign(LINE),
        }, KEYS),
      `${sig} is not a signature of ${sidecar} by any key in /etc/tmpfs-root/keys`,
    ],
    [
      "a damaged signature",
      async () => vm({ sig: (await SITE.sign(LINE)).map((b, i) => (i === 9 ? b ^ 1 : b)) }, KEYS),
      `${sig} is not a signature of ${sidecar} by any key in /etc/tmpfs-root/keys`,
    ],
    [
      "a signature that is a web page",
      () => vm({ sig: bytes("<html></html>\n") }, KEYS),
      `${sig} is not a signature of ${sidecar} by any key in /etc/tmpfs-root/keys`,
    ],
    ["no sidecar at all", () => vm({ sidecar: null }, KEYS), `${sidecar} is missing`],
  ];
  for (const [why, machine, line] of signatures) {
    Deno.test(`simulate() stops ${why} from ${what} before the tmpfs is mounted`, async () => {
      const r = await boot(cmdline, await machine());
      assert.equal(messageOf(r), `tmpfs-root: verify failed: ${line}`);
      assertStoppedBeforeTheRoot(r);
    });
  }
}

Deno.test("simulate() refuses rd.tmpfs.verify=none and =sidecar in an initramfs with keys, before anything", async () => {
  const machine = await vm({ sig: null }, KEYS);
  for (const value of ["none", "sidecar"]) {
    const r = await boot(
      `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.verify=${value}`,
      machine,
    );
    assert.equal(
      messageOf(r),
      `tmpfs-root: cmdline failed: invalid rd.tmpfs.verify "${value}": expected signature, or nothing: this initramfs carries public keys (/etc/tmpfs-root/keys), so every archive must have a signed sidecar`,
    );
    assert.deepEqual(r.events.filter((e) => e.kind !== "message"), []);
  }
  // Even a digest on the command line does not replace the signature.
  const r = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.sha256=${GOOD}`,
    machine,
  );
  assert.match(
    messageOf(r),
    /rootfs\.tgz\.sha256\.sig is missing: this initramfs boots only signed archives$/,
  );
});

Deno.test("simulate() refuses rd.tmpfs.verify=signature in an initramfs without keys", async () => {
  const r = await boot(
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.verify=signature",
    await vm(),
  );
  assert.match(
    messageOf(r),
    /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.verify "signature": expected none or sidecar: this initramfs carries no public keys/,
  );
  assert.deepEqual(events(r, "mount"), []);
});

Deno.test("simulate() neither reads a sidecar nor checks anything with rd.tmpfs.verify=none and no keys", async () => {
  const r = await boot(
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz",
    await vm({ sidecar: bytes("junk") }),
  );
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(events(r, "sidecar"), []);
  assert.deepEqual(events(r, "verify"), []);
});

Deno.test("simulate() fetches the sidecar and its signature once each, with the archive's curl options", async () => {
  const r = await boot(`root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.timeout=600`, await vm({}, KEYS));
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(events(r, "fetch").map((e) => [e.url, e.attempt, e.maxTime, e.result]), [
    [`${WEB}/rootfs.tar.gz.sha256`, 1, 600, "ok"],
    [`${WEB}/rootfs.tar.gz.sha256.sig`, 1, 600, "ok"],
    [`${WEB}/rootfs.tar.gz.manifest`, 1, 600, "status 404"],
    [`${WEB}/rootfs.tar.gz`, 1, 600, "ok"],
  ]);
  assert.deepEqual(
    r.events.map((e) => e.kind).slice(0, 6),
    ["fetch", "fetch", "signature", "sidecar", "fetch", "mount"],
  );
});

Deno.test("simulate() names what went wrong with a sidecar's download, and does not try again", async () => {
  const cmdline = `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.verify=sidecar rd.tmpfs.retries=5`;
  const url = `${WEB}/rootfs.tar.gz.sha256`;
  const cases: readonly (readonly [Partial<WebResource>, string])[] = [
    [
      { status: 500 },
      `could not download ${url}: curl: (22) The requested URL returned error: 500`,
    ],
    [
      { status: 403 },
      `could not download ${url}: curl: (22) The requested URL returned error: 403`,
    ],
    [
      { failFirst: 1, failWith: "refused" },
      `could not download ${url}: curl: (7) Failed to connect to 10.0.2.2 port 8080 after 0 ms: Couldn't connect to server`,
    ],
    [
      { dropAfter: 10 },
      `could not download ${url}: curl: (18) transfer closed with ${
        LINE.length - 10
      } bytes remaining to read`,
    ],
    [
      { stallAfter: 10 },
      `could not download ${url}: curl: (28) Operation too slow. Less than 1024 bytes/sec transferred the last 30 seconds`,
    ],
    [{ endless: true }, `${url} is larger than 65536 bytes`],
    [
      { redirect: "ftp://10.0.2.2/x" },
      `could not download ${url}: curl: (1) Protocol "ftp" not supported or disabled in libcurl`,
    ],
  ];
  for (const [web, line] of cases) {
    const r = await boot(cmdline, await vm({ web }));
    assert.equal(messageOf(r), `tmpfs-root: verify failed: ${line}`, JSON.stringify(web));
    assert.equal(events(r, "fetch").length, 1);
    assertStoppedBeforeTheRoot(r);
  }
  const gone = await boot(cmdline, await vm({ web: { status: 404 } }));
  assert.equal(messageOf(gone), `tmpfs-root: verify failed: ${url} is missing`);
});

Deno.test("simulate() reads the sidecar beside an archive in a folder, with a directory in its line", async () => {
  const line = bytes(`${GOOD}  /srv/images/rootfs.tar.gz\n`);
  const r = await boot(
    "root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root rd.tmpfs.imgfile=images/rootfs.tar.gz rd.tmpfs.verify=sidecar",
    await vm({ sidecar: line }),
  );
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(events(r, "sidecar").map((e) => e.sidecar), ["images/rootfs.tar.gz.sha256"]);
});

Deno.test("simulate() checks signatures in the systemd flavour too, and leaves its sysroot alone", async () => {
  const machine: Vm = { ...await vm({ sig: null }, KEYS), flavour: "systemd" };
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz", machine);
  assert.match(messageOf(r), /rootfs\.tgz\.sha256\.sig is missing/);
  assertStoppedBeforeTheRoot(r);
});
