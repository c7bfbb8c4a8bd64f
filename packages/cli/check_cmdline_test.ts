import assert from "#assert";
import { checkCmdline as check } from "./check_cmdline.ts";

/** The report in words and whether it boots (the data for --json is tested in main_test.ts). */
function checkCmdline(line: string): { ok: boolean; report: string } {
  const { ok, report } = check(line);
  return { ok, report };
}

/** The lines of the values a command line does not give, in the report's order. */
const DEFAULTS = {
  size: "rd.tmpfs.size=50% (default)",
  imgfile: "rd.tmpfs.imgfile=rootfs.tar.gz (default)",
  opts: "rd.tmpfs.opts= (default)",
  sha256: "rd.tmpfs.sha256= (default)",
  verify: "rd.tmpfs.verify=none (default)",
  retries: "rd.tmpfs.retries=3 (default)",
  timeout: "rd.tmpfs.timeout=1800 (default)",
  cafile: "rd.tmpfs.cafile= (default)",
  retry: "rd.retry=180 (default)",
  onfail: "rd.tmpfs.onfail=emergency (default)",
};

/** The default lines of every parameter but `size`, which comes first. */
const AFTER_SIZE = Object.values(DEFAULTS).slice(1);

Deno.test("checkCmdline() reports the source and every value, defaults marked", () => {
  assert.deepEqual(checkCmdline('root="tmpfs:LABEL=my disk" rd.tmpfs.size=3G'), {
    ok: true,
    report: [
      "source: block device /dev/disk/by-label/my\\x20disk",
      "rd.tmpfs.size=3G",
      ...AFTER_SIZE,
    ].join("\n"),
  });
});

Deno.test("checkCmdline() marks a value given nowhere but in another value's text as the default", () => {
  // The label is "xrd.tmpfs.size=1": rd.tmpfs.size is not given.
  assert.deepEqual(checkCmdline("root=tmpfs:LABEL=xrd.tmpfs.size=1"), {
    ok: true,
    report: [
      "source: block device /dev/disk/by-label/xrd.tmpfs.size=1",
      ...Object.values(DEFAULTS),
    ].join("\n"),
  });
});

Deno.test("checkCmdline() reports every source kind and the last of repeated values", () => {
  const cases: [string, string, string][] = [
    ["root=tmpfs:/dev/vda1", "block device /dev/vda1", DEFAULTS.size],
    [
      "root=tmpfs:NFS=nfs:10.0.2.2:/x rd.tmpfs.size=2G rd.tmpfs.size=1G",
      "NFS export 10.0.2.2:/x (mount -t nfs -o nolock,ro)",
      "rd.tmpfs.size=1G",
    ],
    [
      "root=tmpfs:https://a.example/r.tar.zst rd.tmpfs.size=1g",
      "URL https://a.example/r.tar.zst",
      "rd.tmpfs.size=1g",
    ],
  ];
  for (const [line, source, size] of cases) {
    assert.deepEqual(checkCmdline(line), {
      ok: true,
      report: [`source: ${source}`, size, ...AFTER_SIZE].join("\n"),
    }, line);
  }
});

Deno.test("checkCmdline() warns once about each unknown rd.tmpfs. parameter, naming the closest", () => {
  assert.deepEqual(
    checkCmdline("root=tmpfs:/dev/vda1 rd.tmpfs.sise=2G rd.tmpfs.x rd.tmpfs.sise=3G rd.lvm.lv=a/b"),
    {
      ok: true,
      report: [
        "warning: unknown parameter rd.tmpfs.sise ignored (did you mean rd.tmpfs.size?)",
        "warning: unknown parameter rd.tmpfs.x ignored (did you mean rd.tmpfs.size?)",
        "source: block device /dev/vda1",
        ...Object.values(DEFAULTS),
      ].join("\n"),
    },
  );
});

Deno.test("checkCmdline() fails with the console line the boot would print, after the warnings", () => {
  assert.deepEqual(checkCmdline("root=tmpfs:/dev/vda1 rd.tmpfs.onfail=explode"), {
    ok: false,
    report: 'tmpfs-root: cmdline failed: invalid rd.tmpfs.onfail "explode": ' +
      "expected emergency, reboot, poweroff or halt (e.g. rd.tmpfs.onfail=reboot)",
  });
  const r = checkCmdline("root=tmpfs:/dev/vda1 rd.tmpfs.timout=5 rd.tmpfs.size=3Q");
  assert.equal(r.ok, false);
  assert.match(
    r.report,
    /^warning: unknown parameter rd\.tmpfs\.timout ignored \(did you mean rd\.tmpfs\.timeout\?\)\ntmpfs-root: cmdline failed: invalid rd\.tmpfs\.size "3Q": /,
  );
  assert.equal(r.report.split("\n").length, 2);
});

Deno.test("checkCmdline() says that tmpfs-root does nothing without root=tmpfs:, with no warning", () => {
  for (
    const line of ["", "root=/dev/sda1 rd.tmpfs.sise=2G", "root=tmpfs:/dev/vda1 root=/dev/sda1"]
  ) {
    assert.deepEqual(checkCmdline(line), {
      ok: false,
      report: "root= does not start with tmpfs:, so tmpfs-root does nothing",
    }, line);
  }
});
