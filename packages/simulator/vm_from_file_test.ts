import assert from "#assert";
import { BOOT } from "@tmpfs-root/model";
import { simulate } from "./simulate.ts";
import { vmFromFile } from "./vm_from_file.ts";

const VM_JSON = new URL("./testdata/vm.json", import.meta.url).pathname;

Deno.test("vmFromFile() reads testdata/vm.json, whose sources all boot", async () => {
  const vm = await vmFromFile(VM_JSON);
  assert.deepEqual(vm.disks[0]?.files?.["raw.bin"], new TextEncoder().encode("raw"));
  const ids = [];
  for (
    const cmdline of [
      "root=tmpfs:LABEL=images rd.tmpfs.imgfile=rootfs.tgz",
      "root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root rd.tmpfs.imgfile=images/rootfs.tar.gz",
      "root=tmpfs:NFS=nfs:10.0.2.2:/nfsexport,vers=3 rd.tmpfs.imgfile=images/rootfs.tar.gz",
      "root=tmpfs:http://10.0.2.2:8080/rootfs.tar.gz",
    ]
  ) {
    const r = await simulate(BOOT, vm, cmdline);
    const data = r.outcome.kind === "switched"
      ? r.outcome.files.get("/etc/os-release")?.data
      : undefined;
    ids.push(new TextDecoder().decode(data));
  }
  assert.deepEqual(ids, ["ID=demo\n", "ID=centos\n", "ID=nfs\n", "ID=web\n"]);
});

Deno.test("vmFromFile() names the file when its JSON is invalid", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, "{ nope");
    await assert.rejects(vmFromFile(path), (e: Error) => {
      assert.ok(e instanceof SyntaxError);
      assert.ok(e.message.startsWith(`Invalid VM description "${path}": `));
      return true;
    });
  } finally {
    await Deno.remove(path);
  }
});
