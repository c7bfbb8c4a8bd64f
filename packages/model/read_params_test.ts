import assert from "#assert";
import {
  archiveUrls,
  checkValue,
  DIGESTS_EXPECTED,
  layerList,
  LAYERS_URL_EXPECTED,
  parseParams,
} from "./read_params.ts";
import { IMGFILE, LAYERS_MAX, RETRIES, SHA256, SIZE, TIMEOUT, VERIFY } from "./params.ts";
import { SOURCES } from "./source_kinds.ts";

Deno.test("parseParams() is inactive unless root= starts with tmpfs:", () => {
  for (
    const line of ["", "root=/dev/sda1", "root=tmpfs", "ro quiet", "root=tmpfs:x root=/dev/sda"]
  ) {
    assert.equal(parseParams(line).kind, "inactive", line);
  }
});

Deno.test("parseParams() fills in the documented defaults", () => {
  const r = parseParams("root=tmpfs:/dev/vda1 ro");
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.equal(r.params.values.size, "50%");
  assert.equal(r.params.values.imgfile, "rootfs.tar.gz");
  assert.equal(r.params.values.retries, "3");
  assert.equal(r.params.values.onfail, "emergency");
  assert.equal(r.params.values.timeout, "1800");
  assert.equal(r.params.values.sha256, "");
  assert.equal(r.params.values.verify, "none");
});

Deno.test("parseParams() reads the example command lines for a disk, an LVM volume and NFS", () => {
  const lines = [
    "root=tmpfs:/dev/vda1 rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro",
    "root=tmpfs:/dev/mapper/centos-root rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz rd.lvm.lv=centos/root ro",
    "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport,tcp rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz ip=10.0.0.31:::24:compute1:eth1:none rd.neednet=1 ro",
  ];
  for (const line of lines) assert.equal(parseParams(line).kind, "ok", line);
});

Deno.test("parseParams() names the first invalid parameter and what is expected", () => {
  const r = parseParams("root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q");
  assert.equal(r.kind, "invalid");
  assert.equal(
    r.kind === "invalid" && r.message,
    'invalid rd.tmpfs.size "3Q": expected a whole number of bytes (up to 18 digits), of k, m or g (up to 15, 12 or 9 digits), or a percentage of RAM from 1% to 100% (e.g. rd.tmpfs.size=3G)',
  );
  const bad = parseParams("root=tmpfs:nowhere");
  assert.equal(bad.kind === "invalid" && bad.param.name, "root");
});

Deno.test("checkValue() accepts only valid sizes", () => {
  for (
    const ok of [
      "3G",
      "3g",
      "512M",
      "1024k",
      "1073741824",
      "50%",
      "1%",
      "100%",
      "999999999999999999",
      "999999999999999k",
      "999999999999M",
      "999999999G",
    ]
  ) {
    assert.equal(checkValue(SIZE, ok), ok, ok);
  }
  for (
    const bad of [
      "",
      "0",
      "3Q",
      "1.5G",
      "-1",
      "0%",
      "101%",
      "03G",
      "G",
      "3GB",
      "1234567890123456789",
      "1000000000000000K",
      "1000000000000m",
      "1000000000g",
      "99999999999999999999G",
    ]
  ) {
    assert.equal(checkValue(SIZE, bad), null, bad);
  }
});

Deno.test("checkValue() keeps image paths inside the source", () => {
  assert.equal(checkValue(IMGFILE, "/images/rootfs.tgz"), "images/rootfs.tgz");
  assert.equal(checkValue(IMGFILE, "a b/ü.tar"), "a b/ü.tar");
  for (const bad of ["", "/", "../x", "a/../b", "a/..", "dir/", ".."]) {
    assert.equal(checkValue(IMGFILE, bad), null, bad);
  }
});

Deno.test("checkValue() reads counts from 0 to 99999", () => {
  assert.equal(checkValue(RETRIES, "0"), "0");
  assert.equal(checkValue(RETRIES, "99999"), "99999");
  for (const bad of ["", "-1", "01", "100000", "1e3", "three"]) {
    assert.equal(checkValue(RETRIES, bad), null, bad);
  }
});

Deno.test("parseParams() drops trailing newlines, as the module reads /proc/cmdline", () => {
  const r = parseParams('root=tmpfs:/dev/vda1x"\n');
  assert.equal(r.kind, "ok");
  assert.equal(
    r.kind === "ok" && r.params.source.kind === "block" && r.params.source.device,
    '/dev/vda1x"',
  );
});

Deno.test("checkValue() reads rd.tmpfs.timeout from 1 to 99999 seconds: a download needs time", () => {
  assert.equal(checkValue(TIMEOUT, "1"), "1");
  assert.equal(checkValue(TIMEOUT, "99999"), "99999");
  for (const bad of ["0", "", "-5", "100000", "10s", "1.5"]) {
    assert.equal(checkValue(TIMEOUT, bad), null, bad);
  }
});

Deno.test("parseParams() refuses a file name for a base URL that curl would glob or cut", () => {
  for (const file of ["x[1-2000].tar.gz", "x{a,b}.tgz", "a b.tgz", "x?.tgz", "x#y"]) {
    const r = parseParams(`root=tmpfs:http://10.0.2.2/images/ "rd.tmpfs.imgfile=${file}"`);
    assert.equal(r.kind, "invalid", file);
    assert.equal(r.kind === "invalid" && r.param.name, IMGFILE.name);
    assert.match(
      r.kind === "invalid" ? r.message : "",
      /^invalid rd\.tmpfs\.imgfile ".*": appended to a URL/,
    );
  }
  // The same names are fine on a disk, and a URL that names its file takes no imgfile.
  assert.equal(parseParams('root=tmpfs:/dev/vda1 "rd.tmpfs.imgfile=a b.tgz"').kind, "ok");
  assert.equal(
    parseParams("root=tmpfs:http://10.0.2.2/r.tgz rd.tmpfs.imgfile=x[1-2].tgz").kind,
    "ok",
  );
  assert.equal(
    parseParams("root=tmpfs:http://10.0.2.2/ rd.tmpfs.imgfile=img/root%20fs.tar.zst").kind,
    "ok",
  );
});

/** A SHA-256 digest (of "test"), and the same in upper case. */
const DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

Deno.test("checkValue() reads rd.tmpfs.sha256 as 64 hex digits in lower case, or empty", () => {
  assert.equal(checkValue(SHA256, DIGEST), DIGEST);
  assert.equal(checkValue(SHA256, DIGEST.toUpperCase()), DIGEST);
  assert.equal(checkValue(SHA256, `9F86D081${DIGEST.slice(8)}`), DIGEST);
  assert.equal(checkValue(SHA256, ""), "");
  for (
    const bad of [
      DIGEST.slice(1),
      `${DIGEST}0`,
      `${DIGEST.slice(1)}g`,
      ` ${DIGEST.slice(1)}`,
      `${DIGEST.slice(1)}\n`,
      `0x${DIGEST.slice(2)}`,
      `${DIGEST.slice(0, 32)}-${DIGEST.slice(33)}`,
      `${DIGEST.slice(1)}٣`,
      "abc",
    ]
  ) {
    assert.equal(checkValue(SHA256, bad), null, JSON.stringify(bad));
  }
});

Deno.test("parseParams() normalises rd.tmpfs.sha256 to lower case and names an invalid one", () => {
  const r = parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.sha256=${DIGEST.toUpperCase()}`);
  assert.equal(r.kind === "ok" && r.params.values.sha256, DIGEST);
  assert.deepEqual(r.kind === "ok" && r.params.given, ["root", "sha256"]);
  // Given empty, as the last of two: no check (the last one wins).
  const cleared = parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.sha256=${DIGEST} rd.tmpfs.sha256=`);
  assert.equal(cleared.kind === "ok" && cleared.params.values.sha256, "");
  const bad = parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.sha256=${DIGEST.slice(2)}`);
  assert.equal(bad.kind === "invalid" && bad.param, SHA256);
  assert.equal(
    bad.kind === "invalid" && bad.message,
    `invalid rd.tmpfs.sha256 "${
      DIGEST.slice(2)
    }": expected the archive's SHA-256 as sha256sum prints it, 64 hexadecimal digits in upper or lower case (with layers, one for each, in their order, separated by commas), or nothing for no check`,
  );
});

/** parseParams() for an initramfs with public keys, or without. */
const withKeys = (line: string, keys: boolean) => parseParams(line, SOURCES, { keys });

Deno.test("parseParams() reads rd.tmpfs.verify as none, sidecar or signature, and names another value", () => {
  for (const value of ["none", "sidecar", "signature"]) {
    const r = parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.verify=${value}`);
    assert.equal(r.kind === "ok" && r.params.values.verify, value);
  }
  for (const value of ["", "Signature", "yes", "sha256"]) {
    const r = parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.verify=${value}`);
    assert.equal(
      r.kind === "invalid" && r.message,
      `invalid rd.tmpfs.verify "${value}": expected none, sidecar or signature (e.g. rd.tmpfs.verify=sidecar)`,
    );
  }
});

Deno.test("parseParams() makes rd.tmpfs.verify signature in an initramfs with keys, and refuses any other value", () => {
  for (const line of ["root=tmpfs:/dev/vda1", "root=tmpfs:/dev/vda1 rd.tmpfs.verify=signature"]) {
    const r = withKeys(line, true);
    assert.equal(r.kind === "ok" && r.params.values.verify, "signature", line);
  }
  for (const value of ["none", "sidecar"]) {
    const r = withKeys(
      `root=tmpfs:/dev/vda1 rd.tmpfs.verify=${value} rd.tmpfs.onfail=reboot`,
      true,
    );
    assert.equal(r.kind === "invalid" && r.param, VERIFY);
    assert.equal(
      r.kind === "invalid" && r.message,
      `invalid rd.tmpfs.verify "${value}": expected signature, or nothing: this initramfs carries public keys (/etc/tmpfs-root/keys), so every archive must have a signed sidecar`,
    );
    // The failure policy comes later in the list: the boot stops by dracut's default.
    assert.equal(r.kind === "invalid" && r.values.onfail, undefined);
  }
  // Still a value of the list first: an unknown one is named as such.
  const odd = withKeys("root=tmpfs:/dev/vda1 rd.tmpfs.verify=off", true);
  assert.match(odd.kind === "invalid" ? odd.message : "", /: expected none, sidecar or signature/);
});

Deno.test("parseParams() refuses rd.tmpfs.verify=signature in an initramfs without keys", () => {
  const r = withKeys("root=tmpfs:/dev/vda1 rd.tmpfs.verify=signature", false);
  assert.equal(
    r.kind === "invalid" && r.message,
    'invalid rd.tmpfs.verify "signature": expected none or sidecar: this initramfs carries no public keys (/etc/tmpfs-root/keys) to check a signature with (name them in tmpfs_root_pubkeys when building it)',
  );
  for (const value of ["none", "sidecar"]) {
    const ok = withKeys(`root=tmpfs:/dev/vda1 rd.tmpfs.verify=${value}`, false);
    assert.equal(ok.kind === "ok" && ok.params.values.verify, value);
  }
  const absent = withKeys("root=tmpfs:/dev/vda1", false);
  assert.equal(absent.kind === "ok" && absent.params.values.verify, "none");
});

Deno.test("parseParams() reads layers: each checked, each once, a digest for each, URLs ending with /", () => {
  const ok = parseParams("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=/base.tar.zst,site/s.tar.gz");
  assert.equal(ok.kind === "ok" && ok.params.values.imgfile, "base.tar.zst,site/s.tar.gz");
  assert.deepEqual(layerList("base.tar.zst,site/s.tar.gz"), ["base.tar.zst", "site/s.tar.gz"]);
  const refused = (line: string) => {
    const r = parseParams(line);
    return r.kind === "invalid" ? `${r.param.name}: ${r.message}` : r.kind;
  };
  for (const list of ["a,,b", "a,", ",a", "a,a", "a,/a", "a,../b"]) {
    assert.match(
      refused(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${list}`),
      /^rd\.tmpfs\.imgfile: invalid rd\.tmpfs\.imgfile /,
    );
  }
  const many = Array.from({ length: LAYERS_MAX + 1 }, (_, i) => `l${i}`);
  assert.equal(
    parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${many.slice(1).join(",")}`).kind,
    "ok",
  );
  assert.notEqual(
    parseParams(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${many.join(",")}`).kind,
    "ok",
  );
  assert.equal(
    refused(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a,b rd.tmpfs.sha256=${DIGEST}`),
    `rd.tmpfs.sha256: invalid rd.tmpfs.sha256 "${DIGEST}": ${DIGESTS_EXPECTED}`,
  );
  assert.equal(
    refused(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=a,b rd.tmpfs.sha256=${DIGEST},${DIGEST}`),
    "ok",
  );
  assert.equal(
    refused("root=tmpfs:http://h/x.tar rd.tmpfs.imgfile=a,b"),
    `root: invalid root "tmpfs:http://h/x.tar": ${LAYERS_URL_EXPECTED}`,
  );
  assert.equal(
    refused("root=tmpfs:http://h/ rd.tmpfs.mirror=http://m/x.tar rd.tmpfs.imgfile=a,b"),
    `rd.tmpfs.mirror: invalid rd.tmpfs.mirror "http://m/x.tar": ${LAYERS_URL_EXPECTED}`,
  );
  const urls = parseParams("root=tmpfs:http://h/ rd.tmpfs.mirror=http://m/ rd.tmpfs.imgfile=a,b");
  assert.deepEqual(urls.kind === "ok" && archiveUrls(urls.params), [
    "http://h/a",
    "http://m/a",
    "http://h/b",
    "http://m/b",
  ]);
});
