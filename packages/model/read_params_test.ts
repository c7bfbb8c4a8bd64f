import assert from "#assert";
import { checkValue, parseParams } from "./read_params.ts";
import { IMGFILE, RETRIES, SIZE, TIMEOUT } from "./params.ts";

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
