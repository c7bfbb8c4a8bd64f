import assert from "#assert";
import { parseSource, udevEncode } from "./source.ts";

Deno.test("udevEncode() escapes like libblkid's blkid_encode_string", () => {
  const cases: [string, string][] = [
    ["images", "images"],
    ["my disk/1", "my\\x20disk\\x2f1"],
    ["a\\b", "a\\x5cb"],
    ["my\\x20disk\\x2f1", "my\\x20disk\\x2f1"],
    ["\\x41\\x2F", "A\\x2f"],
    ["\\xzz\\x4", "\\x5cxzz\\x5cx4"],
    ["#+-.:=@_", "#+-.:=@_"],
    ["é€日本", "é€日本"],
    ["$(reboot)", "\\x24\\x28reboot\\x29"],
    ["it's", "it\\x27s"],
  ];
  for (const [label, want] of cases) assert.equal(udevEncode(label), want, label);
});

Deno.test("parseSource() maps every block form to its device path", () => {
  const cases: [string, string][] = [
    ["/dev/vda1", "/dev/vda1"],
    ["/dev/disk/by-label/a..b", "/dev/disk/by-label/a..b"],
    ["/dev/mapper/centos-root", "/dev/mapper/centos-root"],
    ["LABEL=my disk/1", "/dev/disk/by-label/my\\x20disk\\x2f1"],
    [
      "UUID=2F0F6D4E-1B7A-4C3E-9A55-6D1E8F3B2A10",
      "/dev/disk/by-uuid/2f0f6d4e-1b7a-4c3e-9a55-6d1e8f3b2a10",
    ],
    ["UUID=ABCD-1234", "/dev/disk/by-uuid/ABCD-1234"],
    ["PARTLABEL=root part/1", "/dev/disk/by-partlabel/root\\x20part\\x2f1"],
    ["PARTUUID=1234ABCD-01", "/dev/disk/by-partuuid/1234abcd-01"],
  ];
  for (const [spec, device] of cases) {
    const s = parseSource(spec);
    assert.equal(s?.kind, "block", spec);
    assert.equal(s?.kind === "block" && s.device, device, spec);
  }
});

Deno.test("parseSource() reads dracut's NFS syntax and adds nolock and ro", () => {
  assert.deepEqual(parseSource("NFS=nfs:10.0.0.11:/nfsexport,tcp"), {
    kind: "nfs",
    spec: "NFS=nfs:10.0.0.11:/nfsexport,tcp",
    fstype: "nfs",
    server: "10.0.0.11",
    export: "/nfsexport",
    options: "tcp,nolock,ro",
  });
  const v4 = parseSource("NFS=nfs4:server.example:/srv/images");
  assert.equal(v4?.kind === "nfs" && v4.options, "ro");
  const locked = parseSource("NFS=nfs:[fe80::1]:/x,tcp,hard,vers=3,lock");
  assert.equal(locked?.kind === "nfs" && locked.options, "tcp,hard,vers=3,lock,ro");
});

Deno.test("parseSource() rejects what it does not understand", () => {
  for (
    const bad of [
      "",
      "/dev/",
      "/dev/..",
      "/dev/../etc/passwd",
      "/dev/disk/../../etc/shadow",
      "/dev/disk/..",
      "LABEL=",
      "sda1",
      "NFS=nfs:server",
      "NFS=nfs::/x",
      "NFS=nfs:-bad:/x",
      "NFS=nfs:srv:/x,",
      "NFS=nfs:srv:/x,a b",
      "NFS=nfs:srv:/x,$(reboot)",
      "http://",
      "http://host/a b",
      'http://host/"x"',
      "ftp://host/x",
      "LABEL=a\u0001b",
    ]
  ) assert.equal(parseSource(bad), null, JSON.stringify(bad));
});

Deno.test("parseSource() accepts http and https URLs", () => {
  assert.deepEqual(parseSource("https://images.example/rootfs.tar.zst"), {
    kind: "http",
    spec: "https://images.example/rootfs.tar.zst",
    url: "https://images.example/rootfs.tar.zst",
  });
});
