import assert from "#assert";
import {
  type DifferentialOptions,
  type Disagreement,
  formatDisagreement,
  runDifferential,
  simulatedLog,
} from "./differential.ts";
import { generateScenarios } from "./generate.ts";
import { classify, KNOWN_BUGS, type KnownBug } from "./known_bugs.ts";
import { committedModule } from "./sandbox.ts";
import { compileModule } from "@tmpfs-root/compiler";
import {
  type Attribute,
  ATTRIBUTES,
  BOOT,
  formatManifest,
  hostileCmdlines,
  tarCommand,
} from "@tmpfs-root/model";
import type { Scenario } from "./scenario.ts";
import {
  makeArchive,
  sha256Hex,
  signingKey,
  tarHeaderClaiming,
  type Vm,
  withSidecars,
} from "@tmpfs-root/simulator";

async function unknown(found: readonly Disagreement[]): Promise<Disagreement[]> {
  const out: Disagreement[] = [];
  for (const d of found) if (await classify(d) === null) out.push(d);
  return out;
}

function show(found: readonly Disagreement[]): string {
  return found.slice(0, 3).map(formatDisagreement).join("\n\n");
}

Deno.test("runDifferential() agrees with the simulator on 1,000 generated scenarios under dash and busybox ash", async () => {
  const scenarios = await generateScenarios(1000, 1);
  const found = await runDifferential(scenarios, { batch: 50 });
  const left = await unknown(found);
  assert.equal(left.length, 0, `${left.length} unexplained disagreements:\n${show(left)}`);
});

Deno.test("runDifferential() runs no payload of hostile command lines, and both parsers agree", async () => {
  const vm: Vm = { flavour: "classic", ram: 64 << 20, disks: [], lvm: [], nfs: [], web: [] };
  const scenarios: Scenario[] = hostileCmdlines(150, 99).map((cmdline, i) => ({
    cmdline,
    vm: { ...vm, flavour: i % 2 === 0 ? "classic" : "systemd" },
    fault: { kind: "none" },
  }));
  const found = await runDifferential(scenarios, { batch: 25 });
  assert.equal(found.filter((d) => d.reason.startsWith("a payload ran")).length, 0);
  const left = await unknown(found);
  assert.equal(left.length, 0, `${left.length} unexplained disagreements:\n${show(left)}`);
});

Deno.test("runDifferential() runs compileModule(BOOT)'s output as well as the committed module", async () => {
  const module = new Map(compileModule(BOOT).files.map((f) => [f.path, f.text]));
  const found = await runDifferential(await generateScenarios(40, 2), { module });
  const left = await unknown(found);
  assert.equal(left.length, 0, `${left.length} unexplained disagreements:\n${show(left)}`);
});

/** The reason compareRun() gives when the shell logs `actual` and `expected` was expected. */
function firstDifference(expected: readonly string[], actual: readonly string[]): string {
  let i = 0;
  while (i < Math.max(expected.length, actual.length) && expected[i] === actual[i]) i++;
  return `line ${i + 1}: expected ${JSON.stringify(expected[i] ?? null)}, got ${
    JSON.stringify(actual[i] ?? null)
  }`;
}

Deno.test("runDifferential() detects a wrong expectation (a mutated trace)", async () => {
  const scenarios = await generateScenarios(12, 5);
  const logs = await Promise.all(scenarios.map(simulatedLog));
  const wrong = (e: readonly string[]) => [...e.slice(0, -1), "$ not what the shell does"];
  const found = await runDifferential(scenarios, { mutate: wrong });
  // Each scenario disagrees under each shell, on the changed line alone: the shell's log is
  // the simulator's.
  const seen = (d: Disagreement) => `${d.shell} #${scenarios.indexOf(d.scenario)}: ${d.reason}`;
  assert.deepEqual(
    found.map(seen).sort(),
    ["busybox", "dash"].flatMap((shell) =>
      logs.map((log, i) => `${shell} #${i}: ${firstDifference(wrong(log), log)}`)
    ).sort(),
  );
  const dropped = await runDifferential(scenarios.slice(0, 2), {
    shells: ["dash"],
    mutate: (e) => e.slice(1),
  });
  assert.deepEqual(
    dropped.map(seen),
    logs.slice(0, 2).map((log, i) => `dash #${i}: ${firstDifference(log.slice(1), log)}`),
  );
});

Deno.test("runDifferential() detects an executed payload in a shell that evaluates the command line", async () => {
  const module = await committedModule();
  const lib = module.get("tmpfs-root-params.sh")!;
  const evil = lib.replace(
    'tmpfs_root_scan "$(tmpfs_root_cmdline_text)"',
    'eval "tmpfs_root_scan $(tmpfs_root_cmdline_text)"',
  );
  assert.notEqual(evil, lib);
  module.set("tmpfs-root-params.sh", evil);
  const vm: Vm = { flavour: "classic", ram: 64 << 20, disks: [], lvm: [], nfs: [], web: [] };
  const found = await runDifferential(
    [{ cmdline: "root=tmpfs:/dev/vda1$(pwned)", vm, fault: { kind: "none" } }],
    { module },
  );
  assert.equal(found.length, 2);
  for (const d of found) assert.match(d.reason, /^a payload ran: \$ pwned/);
});

Deno.test("runDifferential() boots a block source without a /run/tmpfs-root made beforehand", async () => {
  // Found by this harness (fixed in c502504): `mkdir -p /run/tmpfs-root 2>/run/tmpfs-root/err`
  // failed before mkdir ran, because the redirection needs the folder.
  const tgz = await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip");
  const vm: Vm = {
    flavour: "classic",
    ram: 64 << 20,
    disks: [{ path: "/dev/vda1", files: { "rootfs.tar.gz": tgz } }],
    lvm: [],
    nfs: [],
    web: [],
  };
  const scenario: Scenario = { cmdline: "root=tmpfs:/dev/vda1", vm, fault: { kind: "none" } };
  assert.deepEqual(await runDifferential([scenario]), []);
});

/**
 * Runs a known bug's repro under dash: it must still disagree, once, and
 * classify() must name the bug among `table`.
 */
async function assertStillFound(
  bug: KnownBug,
  table: readonly KnownBug[],
  options: DifferentialOptions = {},
): Promise<Disagreement> {
  const found = await runDifferential([await bug.repro()], { ...options, shells: ["dash"] });
  assert.equal(found.length, 1, `no disagreement: is "${bug.id}" fixed? Remove it.`);
  assert.equal((await classify(found[0]!, table))?.id, bug.id, formatDisagreement(found[0]!));
  return found[0]!;
}

Deno.test("runDifferential() still finds every known bug, which classify() names (remove it once fixed)", async () => {
  assert.equal(new Set(KNOWN_BUGS.map((b) => b.id)).size, KNOWN_BUGS.length, "ids are unique");
  for (const bug of KNOWN_BUGS) await assertStillFound(bug, KNOWN_BUGS);
  // The same check on a made-up bug (the expectation wants one more line than any shell logs),
  // so that it is known to work while the table is empty.
  const extra = "$ a line no shell logs";
  const synthetic: KnownBug = {
    id: "synthetic",
    summary: "the expected log ends with a line the hooks never print",
    repro: () =>
      Promise.resolve({
        cmdline: "root=/dev/sda1",
        vm: { flavour: "classic", ram: 64 << 20, disks: [], lvm: [], nfs: [], web: [] },
        fault: { kind: "none" },
      }),
    matches: (d) =>
      Promise.resolve(d.reason.endsWith(`expected ${JSON.stringify(extra)}, got null`)),
  };
  const d = await assertStillFound(synthetic, [...KNOWN_BUGS, synthetic], {
    mutate: (e) => [...e, extra],
  });
  // No real entry claims it, and the made-up one claims no other disagreement.
  assert.equal(await classify(d), null);
  assert.equal(
    await classify({ ...d, reason: 'line 1: expected "$ inactive", got null' }, [synthetic]),
    null,
  );
});

Deno.test("runDifferential() reports a large non-archive download as such, not as a failed transfer", async () => {
  // Far more than a pipe holds: the unpacking side stops reading after the
  // first bytes, and curl (here its stub) fails to write the rest (23).
  const page = new TextEncoder().encode(`<html>${" ".repeat(1 << 20)}</html>\n`);
  const url = "http://10.0.2.2:8080/rootfs.tar.gz";
  const vm: Vm = {
    flavour: "classic",
    ram: 64 << 20,
    disks: [],
    lvm: [],
    nfs: [],
    web: [{ url, body: page }],
  };
  const scenario: Scenario = { cmdline: `root=tmpfs:${url}`, vm, fault: { kind: "none" } };
  const found = await runDifferential([scenario]);
  // (Not deepEqual: a diff of a megabyte-long scenario would not fit in memory.)
  assert.equal(found.length, 0, show(found));
  const { simulatedLog } = await import("./differential.ts");
  assert.ok(
    (await simulatedLog(scenario)).some((l) =>
      l.endsWith(`${url} is not a tar archive (gzip, xz, zstd, bzip2, lz4 or plain)`)
    ),
  );
});

/**
 * Runs each case (a command line, a machine, a line its log must have) in
 * both flavours: the shells must agree with the simulator, and each
 * simulated log must have a line the pattern matches; `also` checks more of
 * each log.
 */
async function assertAgreeAndSay(
  cases: readonly (readonly [string, Vm, RegExp])[],
  also: (s: Scenario, log: readonly string[]) => void = () => {},
): Promise<void> {
  const scenarios: Scenario[] = cases.flatMap(([cmdline, vm]) =>
    (["classic", "systemd"] as const).map((flavour) => ({
      cmdline,
      vm: { ...vm, flavour },
      fault: { kind: "none" } as const,
    }))
  );
  const found = await runDifferential(scenarios);
  assert.equal(found.length, 0, show(found));
  for (const [i, s] of scenarios.entries()) {
    const want = cases[Math.floor(i / 2)]![2];
    const log = await simulatedLog(s);
    assert.ok(
      log.some((l) => want.test(l)),
      `${s.cmdline}: no line matches ${want}:\n${log.join("\n")}`,
    );
    also(s, log);
  }
}

Deno.test("runDifferential() agrees on the holes found by probing, and both sides stop each one", async () => {
  const root = { "etc/os-release": "ID=demo\n", "sbin/init": "#!/bin/sh\n" };
  const formats = ["gzip", "xz", "zstd", "bzip2", "lz4", "plain"] as const;
  const web = "http://10.0.2.2:8080";
  const https = "https://10.0.2.2:8443";
  const header = await tarHeaderClaiming("huge.bin", 2 ** 40);
  const disk = (file: Uint8Array) =>
    ({ path: "/dev/vda1", files: { "rootfs.img": file } }) as const;
  const base: Vm = { flavour: "classic", ram: 8 << 20, disks: [], lvm: [], nfs: [], web: [] };
  const cases: [string, Vm, RegExp][] = [
    ...await Promise.all(formats.map(async (f): Promise<[string, Vm, RegExp]> => [
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img",
      { ...base, disks: [disk(await makeArchive(root, f, { ending: "cut" }))] },
      /unpack failed: rootfs\.img is truncated$/,
    ])),
    [
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img",
      {
        ...base,
        disks: [
          disk(
            await makeArchive(root, "gzip", {
              ending: "cut",
              trailing: new TextEncoder().encode("garbage"),
            }),
          ),
        ],
      },
      /unpack failed: rootfs\.img is truncated$/,
    ],
    [
      `root=tmpfs:${web}/rootfs.tar`,
      {
        ...base,
        web: [{
          url: `${web}/rootfs.tar`,
          body: await makeArchive(root, "plain", { ending: "cut" }),
        }],
      },
      /unpack failed: http:\S+ is truncated$/,
    ],
    [
      `root=tmpfs:${web}/endless.tar rd.tmpfs.size=1m`,
      { ...base, web: [{ url: `${web}/endless.tar`, body: header, endless: true }] },
      /is larger than the tmpfs \(1048576 bytes, rd\.tmpfs\.size=1m\)$/,
    ],
    [
      `root=tmpfs:${web}/rootfs.tar.gz rd.tmpfs.timeout=70 rd.tmpfs.retries=5`,
      {
        ...base,
        web: [{ url: `${web}/rootfs.tar.gz`, body: await makeArchive(root), stallAfter: 600 }],
      },
      /did not finish within 70 s \(rd\.tmpfs\.timeout=70\)$/,
    ],
    [
      `root=tmpfs:${https}/rootfs.tar.gz`,
      {
        ...base,
        web: [
          { url: `${https}/rootfs.tar.gz`, body: new Uint8Array(0), redirect: `${web}/x.tgz` },
          { url: `${web}/x.tgz`, body: await makeArchive(root, "gzip") },
        ],
      },
      /redirects to a protocol it may not use: curl: \(1\) Protocol "http" not supported/,
    ],
    [
      `root=tmpfs:${web}/ rd.tmpfs.imgfile=x[1-2000].tgz`,
      base,
      /cmdline failed: invalid rd\.tmpfs\.imgfile "x\[1-2000\]\.tgz"/,
    ],
    [
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img",
      {
        ...base,
        disks: [
          disk(
            await makeArchive({
              ...root,
              "bin/ping": { data: "x", xattrs: { "security.capability": "garbage" } },
            }, "gzip"),
          ),
        ],
      },
      /tar could not set a security attribute: .*'security\.capability'.*Invalid argument$/,
    ],
    [
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img",
      {
        ...base,
        disks: [
          disk(await makeArchive({ ...root, "../escape": "x" }, "gzip", { parents: false })),
        ],
      },
      /tar could not unpack rootfs\.img: tar: \.\.\/escape: Member name contains '\.\.'$/,
    ],
    [
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img",
      {
        ...base,
        disks: [
          disk(
            await makeArchive({ ...root, "etc/odd": { data: "x", xattrs: { "odd.name": "1" } } }),
          ),
        ],
      },
      /^<4>tmpfs-root: warning: tar could not set every extended attribute: .*'odd\.name'/,
    ],
    // The whole archive arrives, then the server stalls: each try unpacks it (and warns), and
    // the transfer's failure decides.
    [
      `root=tmpfs:${web}/rootfs.tar.zst rd.tmpfs.retries=1 rd.tmpfs.timeout=100`,
      {
        ...base,
        web: [{
          url: `${web}/rootfs.tar.zst`,
          body: await makeArchive(
            { ...root, "etc/odd": { data: "x", xattrs: { "odd.name": "1" } } },
            "zstd",
          ),
          stallAfter: 100_000,
        }],
      },
      /failed after 2 tries: curl: \(28\) Operation too slow/,
    ],
  ];
  await assertAgreeAndSay(cases);
});

/** The digest tests' root, web server, archive (zstd), its digest and another archive's. */
async function digestFixture() {
  const root = { "etc/os-release": "ID=demo\n", "sbin/init": "#!/bin/sh\n" };
  const good = await makeArchive(root, "zstd");
  const web = "http://10.0.2.2:8080";
  return {
    root,
    web,
    good,
    sum: await sha256Hex(good),
    other: await sha256Hex(await makeArchive(root, "gzip")),
    /** Each kind of source: the text after root=, and the archive's name in failure lines. */
    sources: [
      ["tmpfs:/dev/vda1", "rootfs.tar.zst"],
      ["tmpfs:NFS=nfs:10.0.2.2:/srv", "rootfs.tar.zst"],
      [`tmpfs:${web}/rootfs.tar.zst`, `${web}/rootfs.tar.zst`],
    ] as const,
  };
}

/** Text matched literally in a regular expression. */
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

Deno.test("runDifferential() agrees on rd.tmpfs.sha256 from every kind of source, and both sides name the same failure", async () => {
  const { root, web, good, sum, other, sources } = await digestFixture();
  const cut = good.slice(0, Math.floor(good.length / 2));
  const boundary = await makeArchive(root, "zstd", { ending: "cut" });
  // Not compressed: more bytes than a 1 MiB tmpfs holds.
  const big = await makeArchive({ ...root, big: new Uint8Array(1 << 20) }, "plain");
  const vm = (file: Uint8Array, extra: Partial<Vm["web"][number]> = {}): Vm => ({
    flavour: "classic",
    ram: 8 << 20,
    disks: [{ path: "/dev/vda1", files: { "rootfs.tar.zst": file } }],
    lvm: [],
    nfs: [{ server: "10.0.2.2", export: "/srv", files: { "rootfs.tar.zst": file } }],
    // The first try drops halfway: the second is hashed afresh.
    web: [{ url: `${web}/rootfs.tar.zst`, body: file, failFirst: 1, failWith: "drop", ...extra }],
  });
  const cases: [string, Vm, RegExp][] = [];
  for (const [spec, name] of sources) {
    const line = (digest: string, more = "") =>
      `root=${spec} rd.tmpfs.imgfile=rootfs.tar.zst "rd.tmpfs.sha256=${digest}"${more}`;
    const n = escaped(name);
    cases.push(
      [line(sum), vm(good), /^\$ switch_root$/],
      [line(sum.toUpperCase()), vm(good), /^\$ switch_root$/],
      [
        line(other, " rd.tmpfs.onfail=reboot"),
        vm(good),
        new RegExp(`^<2>tmpfs-root: verify failed: ${n} has sha256 ${sum}, expected ${other}$`),
      ],
      [
        line(sum.slice(1)),
        vm(good),
        /^<2>tmpfs-root: cmdline failed: invalid rd\.tmpfs\.sha256 "/,
      ],
      [
        line(`${sum.slice(1)} `),
        vm(good),
        /^<2>tmpfs-root: cmdline failed: invalid rd\.tmpfs\.sha256 "/,
      ],
      [line(sum), vm(cut), new RegExp(`^<2>tmpfs-root: unpack failed: ${n} is truncated$`)],
      [
        line(sum),
        vm(boundary),
        new RegExp(`^<2>tmpfs-root: unpack failed: ${n} is truncated$`),
      ],
      [line(""), vm(good), /^\$ switch_root$/],
    );
  }
  // A download cut by the byte cap says so, whatever the digest.
  cases.push([
    `root=tmpfs:${web}/rootfs.tar.zst rd.tmpfs.size=1m rd.tmpfs.sha256=${sum}`,
    vm(big, { failFirst: 0 }),
    /is larger than the tmpfs \(1048576 bytes, rd\.tmpfs\.size=1m\)$/,
  ]);
  await assertAgreeAndSay(cases, (s, log) => {
    // Hashed exactly when a digest was asked for (the unpack begins in every case).
    const asked = /sha256=[0-9a-fA-F]{64}(?:"| |$)/.test(s.cmdline);
    assert.equal(log.includes("$ sha256sum"), asked, s.cmdline);
  });
});

Deno.test("runDifferential() agrees on rd.tmpfs.verify and the initramfs's keys from every kind of source", async () => {
  const { web, good, sum, other, sources } = await digestFixture();
  const site = await signingKey(1);
  const stranger = await signingKey(2);
  const text = (s: string) => new TextEncoder().encode(s);
  const line = text(`${sum}  rootfs.tar.zst\n`);
  const base: Vm = {
    flavour: "classic",
    ram: 8 << 20,
    disks: [{ path: "/dev/vda1", files: { "rootfs.tar.zst": good } }],
    lvm: [],
    nfs: [{ server: "10.0.2.2", export: "/srv", files: { "rootfs.tar.zst": good } }],
    web: [{ url: `${web}/rootfs.tar.zst`, body: good }],
  };
  const keys = { "site.pub": site.publicKey };
  const vm = async (
    sidecar: Uint8Array | null,
    sig: Uint8Array | null | "signed" = "signed",
    more: Partial<Vm> = {},
    answer: Partial<Vm["web"][number]> = {},
  ): Promise<Vm> => ({
    ...withSidecars(base, {
      sidecar,
      sig: sig === "signed" ? (sidecar === null ? null : await site.sign(sidecar)) : sig,
      web: answer,
    }),
    ...more,
  });
  const cases: [string, Vm, RegExp][] = [];
  for (const [spec, name] of sources) {
    const cmdline = (more = "") => `root=${spec} rd.tmpfs.imgfile=rootfs.tar.zst${more}`;
    const side = escaped(`${name}.sha256`);
    const failed = (cause: string) => new RegExp(`^<2>tmpfs-root: verify failed: ${cause}$`);
    const badSig = failed(
      `${side}\\.sig is not a signature of ${side} by any key in /etc/tmpfs-root/keys`,
    );
    cases.push(
      // A sidecar, without keys.
      [cmdline(" rd.tmpfs.verify=sidecar"), await vm(line), /^\$ switch_root$/],
      [
        cmdline(" rd.tmpfs.verify=sidecar"),
        await vm(text(`${other}  rootfs.tar.zst\n`)),
        failed(`${escaped(name)} has sha256 ${sum}, expected ${other}`),
      ],
      [cmdline(" rd.tmpfs.verify=sidecar"), await vm(null), failed(`${side} is missing`)],
      [
        cmdline(" rd.tmpfs.verify=sidecar rd.tmpfs.onfail=poweroff"),
        await vm(text(`${sum}  other.tar.zst\n`)),
        failed(`${side} has no line for rootfs\\.tar\\.zst`),
      ],
      [
        cmdline(" rd.tmpfs.verify=sidecar"),
        await vm(text("<html>\n</html>")),
        failed(`${side} is not in sha256sum's format`),
      ],
      [
        cmdline(" rd.tmpfs.verify=sidecar"),
        await vm(text(`${sum} *rootfs.tar.zst\n${other}  /srv/rootfs.tar.zst\n`)),
        failed(`${side} has lines with different digests for rootfs\\.tar\\.zst`),
      ],
      [
        cmdline(` rd.tmpfs.verify=sidecar rd.tmpfs.sha256=${other}`),
        await vm(line),
        failed(`${side} gives sha256 ${sum}, but rd\\.tmpfs\\.sha256 is ${other}`),
      ],
      [
        cmdline(" rd.tmpfs.verify=sidecar"),
        await vm(new Uint8Array(200_000).fill(0x30)),
        failed(`${side} is larger than 65536 bytes`),
      ],
      // Keys in the initramfs: signed, unsigned, signed by a stranger, changed after signing.
      [cmdline(), await vm(line, "signed", { keys }), /^\$ switch_root$/],
      [
        cmdline(),
        await vm(line, "signed", { keys: { "a.pub": stranger.publicKey, ...keys } }),
        /^\$ switch_root$/,
      ],
      [
        cmdline(),
        await vm(line, null, { keys }),
        failed(`${side}\\.sig is missing: this initramfs boots only signed archives`),
      ],
      [cmdline(), await vm(line, await stranger.sign(line), { keys }), badSig],
      [
        cmdline(),
        await vm(text(`${other}  rootfs.tar.zst\n`), await site.sign(line), { keys }),
        badSig,
      ],
      [
        cmdline(" rd.tmpfs.verify=none"),
        await vm(line, "signed", { keys }),
        /^<2>tmpfs-root: cmdline failed: invalid rd\.tmpfs\.verify "none": expected signature, or nothing/,
      ],
      [
        cmdline(" rd.tmpfs.verify=signature"),
        await vm(line),
        /^<2>tmpfs-root: cmdline failed: invalid rd\.tmpfs\.verify "signature": expected none or sidecar/,
      ],
    );
  }
  // What a web server may do to a sidecar: not found, fail, send too much, stall.
  const url = escaped(`${web}/rootfs.tar.zst.sha256`);
  const answers: [Partial<Vm["web"][number]>, RegExp][] = [
    [{ status: 404 }, new RegExp(`verify failed: ${url} is missing$`)],
    [
      { status: 500 },
      new RegExp(`verify failed: could not download ${url}: curl: \\(22\\) .* 500$`),
    ],
    [{ endless: true }, new RegExp(`verify failed: ${url} is larger than 65536 bytes$`)],
    [{ stallAfter: 10 }, new RegExp(`verify failed: could not download ${url}: curl: \\(28\\) `)],
  ];
  for (const [answer, want] of answers) {
    cases.push([
      `root=tmpfs:${web}/rootfs.tar.zst rd.tmpfs.verify=sidecar rd.tmpfs.timeout=100`,
      await vm(line, "signed", {}, answer),
      want,
    ]);
  }
  await assertAgreeAndSay(cases, (s, log) => {
    // openssl runs exactly when the initramfs has keys, the line passed its check and there was
    // a signature to check.
    const checked = s.vm.keys !== undefined &&
      !log.some((l) => l.includes("cmdline failed") || l.includes(".sig is missing"));
    assert.equal(log.some((l) => l.startsWith("$ openssl pkeyutl -verify")), checked, s.cmdline);
  });
});

Deno.test("runDifferential() agrees on layers from every kind of source: the booted tree, digests, manifests and failures", async () => {
  const web = "http://10.0.2.2:8080";
  const base = await makeArchive({
    "etc/os-release": "ID=base\n",
    "etc/motd": "base\n",
    "sbin/init": "#!/bin/sh\n",
    "var/cache/app/a": "a",
    "lib": { type: "symlink", target: "usr/lib" },
    "usr/lib/libc.so": "libc",
    "opt/tool/x": "x",
  }, "zstd");
  const site = await makeArchive({
    "etc/os-release": "ID=site\n",
    "etc/.wh.motd": "",
    "var/cache/app/.wh..wh..opq": "",
    "var/cache/app/b": "b",
    "lib/modules/m.ko": "m",
    "opt/tool": "a file now",
    ".wh.nothing": "",
  }, "gzip");
  const node = await makeArchive({ "etc/hostname": "node-17\n", "etc/.wh..wh.plnk": "" }, "plain");
  const sums = await Promise.all([base, site, node].map(sha256Hex));
  const files = { "base.tar.zst": base, "site.tar.gz": site, "node.tar": node };
  const vm = (f: Record<string, Uint8Array> = files): Vm => ({
    flavour: "classic",
    ram: 64 << 20,
    disks: [{ path: "/dev/vda1", files: f }],
    lvm: [],
    nfs: [{ server: "10.0.2.2", export: "/srv", files: f }],
    web: Object.entries(f).map(([name, body]) => ({ url: `${web}/${name}`, body })),
  });
  const all = "rd.tmpfs.imgfile=base.tar.zst,site.tar.gz,node.tar";
  const cases: [string, Vm, RegExp][] = [];
  for (const spec of ["tmpfs:/dev/vda1", "tmpfs:NFS=nfs:10.0.2.2:/srv", `tmpfs:${web}/`]) {
    const named = (n: string) => escaped(spec.startsWith("tmpfs:http") ? `${web}/${n}` : n);
    cases.push(
      [`root=${spec} ${all}`, vm(), /^\$ tree etc\/hostname f$/],
      [`root=${spec} ${all} rd.tmpfs.sha256=${sums.join(",")}`, vm(), /^\$ tree lib\/modules d$/],
      [
        `root=${spec} ${all} rd.tmpfs.sha256=${sums[0]},${sums[2]},${sums[1]}`,
        vm(),
        new RegExp(`^<2>tmpfs-root: verify failed: ${named("site.tar.gz")} has sha256 ${sums[1]}`),
      ],
      [
        `root=${spec} ${all}`,
        vm({ ...files, "site.tar.gz": site.slice(0, site.length >> 1) }),
        new RegExp(`^<2>tmpfs-root: unpack failed: ${named("site.tar.gz")} is truncated$`),
      ],
      [
        `root=${spec} rd.tmpfs.imgfile=base.tar.zst,none.tar`,
        vm(),
        spec.startsWith("tmpfs:http") ? /^<2>tmpfs-root: unpack failed: / : /no file none\.tar/,
      ],
    );
  }
  // A sidecar beside every layer: the digests come from them; site's names another digest.
  const sidecars = (wrong: boolean): Record<string, Uint8Array> => {
    const out: Record<string, Uint8Array> = { ...files };
    for (const [i, name] of Object.keys(files).entries()) {
      const sum = wrong && i === 1 ? sums[0] : sums[i];
      out[`${name}.sha256`] = new TextEncoder().encode(`${sum}  ${name}\n`);
    }
    return out;
  };
  for (const spec of ["tmpfs:/dev/vda1", `tmpfs:${web}/`]) {
    const site = spec.startsWith("tmpfs:http") ? `${web}/site.tar.gz` : "site.tar.gz";
    cases.push(
      [`root=${spec} ${all} rd.tmpfs.verify=sidecar`, vm(sidecars(false)), /^\$ switch_root$/],
      [
        `root=${spec} ${all} rd.tmpfs.verify=sidecar`,
        vm(sidecars(true)),
        new RegExp(`^<2>tmpfs-root: verify failed: ${escaped(site)} has sha256 ${sums[1]}`),
      ],
    );
  }
  // Manifests for every layer: the tmpfs is sized from their sum, 3 MiB and 60 inodes, and their
  // headroom (at least 64 MiB and 16384 inodes), on 1 GiB of RAM.
  const manifests = withManifestsFor(
    files,
    (_, i) => ({ bytes: (i + 1) << 19, inodes: 10 * (i + 1) }),
  );
  cases.push([
    `root=tmpfs:/dev/vda1 ${all}`,
    { ...vm(manifests), ram: 1 << 30 },
    /^\$ mount (-t tmpfs -o |-o remount,)size=70254592,nr_inodes=16444[, ]/,
  ]);
  // A later layer without a manifest sizes nothing, whatever the one before said (a file named
  // after a word of the earlier manifest is not taken for the later layer's).
  const lone = withManifestsFor({ "base.tar.zst": base }, () => ({ bytes: 4096, inodes: 4 }));
  cases.push([
    `root=tmpfs:/dev/vda1 ${all}`,
    { ...vm({ ...files, ...lone, "1.manifest": lone["base.tar.zst.manifest"]! }), ram: 1 << 30 },
    /^\$ switch_root$/,
  ]);
  // Each layer's manifest names the kinds of attribute tar restores (node's has no line: every
  // kind), from every kind of source.
  const kinds: (readonly Attribute[] | undefined)[] = [["xattrs"], [], undefined];
  /** The line of tar restoring `attributes`, into any folder. */
  const tarFor = (attributes: readonly Attribute[]) =>
    new RegExp(
      `^${escaped(`$ ${tarCommand("INTO", attributes).join(" ")}`)}$`.replace("INTO", "\\S+"),
    );
  const tarLine = (i: number) => tarFor(kinds[i] ?? ATTRIBUTES);
  const attributed: [string, Vm, RegExp][] = [];
  for (const spec of ["tmpfs:/dev/vda1", "tmpfs:NFS=nfs:10.0.2.2:/srv", `tmpfs:${web}/`]) {
    attributed.push([
      `root=${spec} ${all}`,
      { ...vm(withManifestsFor(files, () => ({ bytes: 4096, inodes: 4 }), kinds)), ram: 1 << 30 },
      tarLine(1),
    ]);
  }
  // With digests checked, every kind for every layer: no digest covers the manifests.
  const every = tarFor(ATTRIBUTES);
  for (const spec of ["tmpfs:/dev/vda1", `tmpfs:${web}/`]) {
    attributed.push([
      `root=${spec} ${all} rd.tmpfs.sha256=${sums.join(",")}`,
      { ...vm(withManifestsFor(files, () => ({ bytes: 4096, inodes: 4 }), kinds)), ram: 1 << 30 },
      every,
    ]);
  }
  await assertAgreeAndSay(attributed, (s, log) => {
    const tars = log.filter((l) => l.startsWith("$ tar "));
    assert.equal(tars.length, 3, s.cmdline);
    const checked = s.cmdline.includes("rd.tmpfs.sha256=");
    tars.forEach((l, i) => assert.match(l, checked ? every : tarLine(i), s.cmdline));
    assert.ok(log.includes("$ switch_root"), s.cmdline);
  });
  await assertAgreeAndSay(cases, (s, log) => {
    if (!log.includes("$ switch_root")) return;
    // The whiteouts removed what they name and are gone; a directory took a link's place.
    const tree = log.filter((l) => l.startsWith("$ tree "));
    assert.deepEqual(
      tree.filter((l) => /etc\/motd|var\/cache\/app\/a|\.wh\.|opt\/tool\/x/.test(l)),
      [],
      s.cmdline,
    );
    for (const want of ["lib d", "lib/modules/m.ko f", "opt/tool f", "etc/hostname f"]) {
      assert.ok(tree.includes(`$ tree ${want}`), `${s.cmdline}: ${want}`);
    }
  });
});

/** `files` with a manifest beside each archive, with the counts `counts` gives it. */
function withManifestsFor(
  files: Record<string, Uint8Array>,
  counts: (name: string, i: number) => { bytes: number; inodes: number },
  attributes: readonly (readonly Attribute[] | undefined)[] = [],
): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = { ...files };
  for (const [i, name] of Object.keys(files).entries()) {
    const c = counts(name, i);
    out[`${name}.manifest`] = new TextEncoder().encode(formatManifest({
      archive: name,
      format: "gzip",
      compressedBytes: 1,
      unpackedBytes: c.bytes,
      inodes: c.inodes,
      sha256: "0".repeat(64),
      ...(attributes[i] === undefined ? {} : { attributes: attributes[i] }),
    }));
  }
  return out;
}

Deno.test("runDifferential() agrees on images that lack a kind's modules or a decompressor, from every kind of source", async () => {
  const { root, web, good, sources } = await digestFixture();
  const gz = await makeArchive(root, "gzip");
  const files = { "rootfs.tar.zst": good, "rootfs.tar.gz": gz };
  const vm = (more: Partial<Vm>): Vm => ({
    flavour: "classic",
    ram: 8 << 20,
    disks: [{ path: "/dev/vda1", files }],
    lvm: [],
    nfs: [{ server: "10.0.2.2", export: "/srv", files }],
    web: [{ url: `${web}/rootfs.tar.zst`, body: good }, { url: `${web}/rootfs.tar.gz`, body: gz }],
    ...more,
  });
  const refused = (kind: string) =>
    new RegExp(
      `^<2>tmpfs-root: cmdline failed: invalid root ".*": this initramfs cannot boot ${kind} sources: `,
    );
  const cases: [string, Vm, RegExp][] = [];
  for (const [spec, name] of sources) {
    const kind = spec.startsWith("tmpfs:NFS")
      ? "nfs"
      : spec.startsWith("tmpfs:http")
      ? "http"
      : "block";
    const zst = `root=${spec} rd.tmpfs.imgfile=rootfs.tar.zst`;
    const gzName = escaped(name.replace("rootfs.tar.zst", "rootfs.tar.gz"));
    const gzLine = spec.startsWith("tmpfs:http")
      ? `root=tmpfs:${web}/rootfs.tar.gz`
      : `root=${spec} rd.tmpfs.imgfile=rootfs.tar.gz`;
    cases.push(
      // An image for block sources alone (built without network): only block boots.
      [zst, vm({ sources: ["block"] }), kind === "block" ? /^\$ switch_root$/ : refused(kind)],
      [
        zst,
        vm({ sources: ["block", "nfs"] }),
        kind === "http" ? refused(kind) : /^\$ switch_root$/,
      ],
      [
        zst,
        vm({ sources: ["block", "http"] }),
        kind === "nfs" ? refused(kind) : /^\$ switch_root$/,
      ],
      // No gzip (and so no pigz): the gzip archive is refused, naming the package; zstd boots.
      [zst, vm({ decompressors: ["zstd"] }), /^\$ switch_root$/],
      [
        gzLine,
        vm({ decompressors: ["zstd", "xz"] }),
        new RegExp(
          `^<2>tmpfs-root: unpack failed: ${gzName} is gzip-compressed, but this initramfs has no gzip: rebuild it where gzip is installed \\(Debian package gzip\\)`,
        ),
      ],
      [gzLine, vm({ decompressors: ["gzip"] }), /^\$ switch_root$/],
    );
  }
  await assertAgreeAndSay(cases);
});
