import {
  BOOT,
  type BootSequence,
  invalidMessage,
  KEYS_DIR,
  type Message,
  Messages,
  NAMESPACE,
  PARAM_MODULES,
  type ParamSpec,
  parseParams,
  PUBKEYS_VAR,
  REPORT_PATH as REPORT_JSON_PATH,
  ROOT_PREFIX,
  type SourceKind,
  SOURCES,
  unknownMessage,
} from "@tmpfs-root/model";
import { MEANINGS } from "./_meanings.ts";
import { type Block, code, entry, type ManPage, para, ph, type Span } from "./man_page.ts";

/** The report the module writes, read after the boot. */
export const REPORT_PATH = "/run/tmpfs-root/report";

/** The subsection title of each kind of source. */
export const KIND_TITLES: Readonly<Partial<Record<SourceKind, string>>> = {
  block: "Block devices",
  nfs: "NFS exports",
  http: "Web servers",
};

/**
 * Each prefix of a source (from the model's table): its form and what it
 * selects. A prefix without one is listed with a placeholder and no
 * description, and the man page's test fails.
 */
export const FORMS: Readonly<
  Record<string, { readonly form: readonly Span[]; readonly doc: string }>
> = {
  "/dev/": {
    form: [code("/dev/"), ph("path")],
    doc:
      "A block device by its path, such as /dev/vda1, or an LVM logical volume such as /dev/mapper/centos-root (with rd.lvm.lv=centos/root).",
  },
  "LABEL=": {
    form: [code("LABEL="), ph("label")],
    doc:
      'The file system with this label, as written, spaces and / included (quote the whole parameter: root="tmpfs:LABEL=my disk"); tmpfs-root escapes it as udev names /dev/disk/by-label.',
  },
  "UUID=": {
    form: [code("UUID="), ph("uuid")],
    doc:
      "The file system with this UUID: a canonical UUID is matched in lower case, FAT and NTFS serial numbers (UUID=ABCD-1234) as written.",
  },
  "PARTLABEL=": {
    form: [code("PARTLABEL="), ph("label")],
    doc: "The partition with this GPT name, escaped as udev names /dev/disk/by-partlabel.",
  },
  "PARTUUID=": {
    form: [code("PARTUUID="), ph("uuid")],
    doc:
      "The partition with this partition UUID, matched in lower case as udev names /dev/disk/by-partuuid.",
  },
  "NFS=": {
    form: [
      code("NFS=nfs:"),
      ph("server"),
      code(":"),
      ph("export"),
      "[",
      code(","),
      ph("options"),
      "]",
    ],
    doc:
      "An NFS export, in dracut's syntax (nfs4: for NFSv4). The export is always mounted read-only; NFSv3 gets nolock unless the options say lock. dracut brings up the network (ip=); tmpfs-root asks for it (rd.neednet=1).",
  },
  "http://": {
    form: [code("http://"), ph("host"), code("/"), ph("path")],
    doc:
      "The archive's URL. The archive is streamed from curl into tar, never staged; a URL that ends with / gets rd.tmpfs.imgfile appended.",
  },
  "https://": {
    form: [code("https://"), ph("host"), code("/"), ph("path")],
    doc:
      "The same over TLS, checked against rd.tmpfs.cafile or the system's CA bundle; a redirect to plain http is refused.",
  },
};

/** Command lines the page shows; each is checked by the model when the page is made. */
const EXAMPLES = [
  "root=tmpfs:LABEL=images rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tar.gz ro",
  "root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root rd.tmpfs.imgfile=images/rootfs.tar.gz ro",
  "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport,tcp rd.tmpfs.size=5G ip=dhcp rd.neednet=1 ro",
  "root=tmpfs:https://images.example/rootfs.tar.zst ip=dhcp rd.neednet=1 rd.tmpfs.onfail=reboot ro",
];

/**
 * The manual page `tmpfs-root.cmdline(7)`, generated from the boot model:
 * every kernel parameter (its syntax, what a valid value looks like, its
 * default and an example), the `root=tmpfs:` source forms, the steps a
 * failure line names, every failure cause and console line with what it
 * means, the report and where the safety rules are written down.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { cmdlineManPage } from "./cmdline_man_page.ts";
 * import { toMarkdown } from "./to_markdown.ts";
 * const md = toMarkdown(cmdlineManPage());
 * assert.match(md, /^- `rd\.tmpfs\.size=`\*size\*$/m);
 * assert.match(md, /^- \*archive\* is truncated$/m);
 * ```
 */
export function cmdlineManPage(boot: BootSequence = BOOT): ManPage {
  return {
    name: "tmpfs-root.cmdline",
    section: 7,
    summary:
      "the kernel command line of tmpfs-root, which boots Linux into a root file system in RAM",
    generated:
      "Generated from the boot model (packages/model) by deno task build-module; do not edit.",
    sections: [
      { title: "SYNOPSIS", blocks: [para(...joinSpans(boot.params.map(synopsisSpans), " "))] },
      { title: "DESCRIPTION", blocks: description() },
      { title: "PARAMETERS", blocks: boot.params.flatMap(paramBlocks) },
      { title: "SOURCES", blocks: sources() },
      { title: "DIAGNOSTICS", blocks: diagnostics(boot) },
      { title: "FILES", blocks: files() },
      { title: "EXAMPLES", blocks: examples() },
      { title: "SEE ALSO", blocks: seeAlso() },
    ],
  };
}

/** `rd.tmpfs.size=` and a placeholder, in brackets unless the parameter is required. */
function synopsisSpans(p: ParamSpec): Span[] {
  const spans = paramForm(p);
  return p.default === null ? spans : ["[", ...spans, "]"];
}

function paramForm(p: ParamSpec): Span[] {
  switch (p.kind) {
    case "source":
      return [code(`${p.name}=${ROOT_PREFIX}`), ph("source")];
    case "size":
      return [code(`${p.name}=`), ph("size")];
    case "relpath":
      return [code(`${p.name}=`), ph("path")];
    case "abspath":
      return [code(`${p.name}=`), ph("file")];
    case "count":
      return [code(`${p.name}=`), ph("n")];
    case "policy":
      return [code(`${p.name}=`), ...joinSpans((p.choices ?? []).map((c) => [code(c)]), "|")];
    case "digest":
      return [code(`${p.name}=`), ph("digest")];
    case "urls":
      return [code(`${p.name}=`), ph("url"), "..."];
    case "tmpfsopts":
      return [code(`${p.name}=`), ph("option"), code(","), "..."];
    default:
      return assertNever(p.kind);
  }
}

function description(): Block[] {
  return [
    para(
      "tmpfs-root is a dracut module. When ",
      code("root="),
      " starts with ",
      code(ROOT_PREFIX),
      ", the initramfs finds an archive of a whole root file system (on a disk, an LVM volume, an NFS export or a web server), mounts a tmpfs at /sysroot, unpacks the archive into it, releases the source, restores SELinux labels and lets dracut switch root. Every boot starts from a pristine image. Without ",
      code(`root=${ROOT_PREFIX}`),
      ", tmpfs-root does nothing.",
    ),
    para(
      "The command line is read from /etc/cmdline.d/*.conf, /etc/cmdline and /proc/cmdline in that order, as dracut does, and split as the kernel splits it: white space separates parameters outside double quotes, a double quote toggles quoting anywhere, and there are no escapes. When a parameter is given more than once, the last one wins. Values are data: they are never evaluated by the shell.",
    ),
    para(
      "Every value is checked before anything is mounted. An invalid value stops the boot with one line (see DIAGNOSTICS); a parameter under ",
      code(NAMESPACE),
      " that tmpfs-root does not know is ignored with a warning that names the closest known one. The command tmpfs-root cmdline --check checks a command line with the same code; see ",
      ...manRef("tmpfs-root", 1),
      ".",
    ),
  ];
}

/**
 * The longest example an entry's line holds (groff's default width, in
 * bold); a longer one, such as a whole SHA-256 digest, has a literal line
 * of its own after the entry, which no filling can overflow.
 */
const INLINE_EXAMPLE = 64;

/** A parameter's entry, and its example as a literal when it is too long for the entry's line. */
function paramBlocks(p: ParamSpec): Block[] {
  const given = p.default === null
    ? ["Required."]
    : p.default === ""
    ? ["Default: empty."]
    : ["Default: ", code(p.default), "."];
  const example = `${p.name}=${p.example}`;
  const long = example.length > INLINE_EXAMPLE;
  return [
    entry(
      paramForm(p),
      [p.doc],
      [`Valid values: ${p.expected.replace(/^expected /, "")}.`],
      given,
      long ? ["Example:"] : ["Example: ", code(example), "."],
    ),
    ...(long ? [{ kind: "literal", lines: [example] } as const] : []),
  ];
}

function sources(): Block[] {
  const blocks: Block[] = [
    para(
      "The text after ",
      code(`root=${ROOT_PREFIX}`),
      " says where the archive is. It takes one of these forms:",
    ),
  ];
  for (const kind of SOURCES) {
    blocks.push({ kind: "subsection", title: KIND_TITLES[kind.kind] ?? `${kind.kind} sources` });
    for (const prefix of kind.prefixes) {
      const form = FORMS[prefix] ??
        { form: [code(prefix), ph("value")], doc: `A ${kind.kind} source.` };
      blocks.push(entry([code(ROOT_PREFIX), ...form.form], [form.doc]));
    }
    const waits = kind.waitsFor === "device"
      ? "The boot waits for the device (up to rd.retry seconds)"
      : kind.waitsFor === "network"
      ? "The boot brings up the network first"
      : "The boot waits for nothing";
    const needs = kind.dracutModules.length === 0
      ? "."
      : `; the initramfs needs dracut's ${
        listWords(kind.dracutModules)
      } modules, which tmpfs-root's module-setup.sh adds when the command line names such a source (or always, in a generic initramfs).`;
    blocks.push(para(waits, needs));
  }
  for (const m of PARAM_MODULES) {
    blocks.push(
      para(
        "With ",
        code(m.param),
        ` the initramfs also needs dracut's ${listWords(m.modules)} module${
          m.modules.length === 1 ? "" : "s"
        }, added the same way.`,
      ),
    );
  }
  return blocks;
}

function diagnostics(boot: BootSequence): Block[] {
  const m = new Messages<{ readonly ph: string }>();
  const names = Object.getOwnPropertyNames(Messages.prototype).filter((n) =>
    n !== "constructor"
  ) as (keyof typeof MEANINGS)[];
  const causes: Block[] = [];
  const lines: Block[] = [];
  for (const name of names) {
    const meaning = MEANINGS[name];
    const make = m[name] as (...slots: { ph: string }[]) => Message<{ readonly ph: string }>;
    if (make.length !== meaning.slots.length) {
      throw new RangeError(
        `Invalid meaning of message "${name}": expected ${make.length} slot names, got ${meaning.slots.length}`,
      );
    }
    const parts = make.apply(m, meaning.slots.map((s) => ({ ph: s })));
    const form: Span[] = parts.filter((p) => p !== "");
    const isLine = typeof parts[0] === "string" && parts[0].startsWith("tmpfs-root: ");
    (isLine ? lines : causes).push(entry(form, [meaning.meaning]));
  }
  const invalid = slotted((s) =>
    invalidMessage(
      { ...boot.params[0]!, name: s("parameter"), expected: s("expected") },
      s("value"),
    )
  );
  const size = boot.params.find((p) => p.kind === "size") ?? boot.params[0]!;
  const unknown = slotted((s) => unknownMessage({ name: s("name"), closest: s("closest") }));
  return [
    para(
      "A failure prints one line on the console, ",
      code("tmpfs-root: "),
      ph("step"),
      code(" failed: "),
      ph("cause"),
      ", undoes what the boot had done (it unmounts whatever it mounted), writes the report (see FILES) and applies rd.tmpfs.onfail. dracut never switches into a partly unpacked root. docs/safety.md says what stops a boot and why.",
    ),
    { kind: "subsection", title: "Steps" },
    para("The step a failure line names, in the order they run:"),
    ...steps(boot),
    { kind: "subsection", title: "Parameter errors" },
    para(
      "An invalid value stops the boot in the cmdline step, before anything is mounted. The line names the parameter, the value as given and, after the colon, what a valid value looks like (as PARAMETERS says under Valid values):",
    ),
    entry([code("tmpfs-root: cmdline failed: "), ...invalid], [
      "For example, ",
      code(`tmpfs-root: cmdline failed: ${invalidMessage(size, "3Q")}`),
      ".",
    ]),
    para("A parameter under ", code(NAMESPACE), " that tmpfs-root does not know is reported with:"),
    entry([code("tmpfs-root: warning: "), ...unknown], [
      "The boot goes on; the parameter is ignored.",
    ]),
    { kind: "subsection", title: "Causes" },
    para("What follows ", code("failed:"), " in a failure line, and what it means:"),
    ...causes,
    { kind: "subsection", title: "Other console lines" },
    ...lines,
  ];
}

/** Each step label once, with what the steps of that label do. */
function steps(boot: BootSequence): Block[] {
  const labels = new Map<string, string[]>();
  for (const step of boot.phases.flatMap((p) => p.steps)) {
    labels.set(step.label, [...labels.get(step.label) ?? [], step.doing]);
  }
  return [...labels].map(([label, doing]) =>
    entry([code(label)], [`${capitalise(listWords(doing))}.`])
  );
}

function files(): Block[] {
  return [
    entry([code(REPORT_PATH)], [
      "The boot's report, written when tmpfs-root hands over to switch-root or stops; dracut carries /run over into the new root, so the booted system can read it. Its lines:",
    ], [
      code("status=ok"),
      " or ",
      code("status=failed"),
      ".",
    ], [
      code("message="),
      ph("text"),
      ": after a failure, the failure line; else ",
      code("unpacked into /sysroot"),
      ".",
    ], [
      code("warning="),
      ph("line"),
      ": one line for each warning of the unpack, such as an extended attribute tar could not set.",
    ]),
    entry([code(REPORT_JSON_PATH)], [
      "The same boot report as JSON (pure ASCII, one line, written atomically, without jq): the result, the failed step and its cause, the source, each archive unpacked (format, bytes read and unpacked, seconds, throughput, sha256 and whether it was checked, tries) and the tmpfs's options and size. docs/report.md gives its schema.",
    ]),
    entry([code("/etc/cmdline.d/*.conf"), ", ", code("/etc/cmdline")], [
      "Parameters baked into the initramfs (dracut --kernel-cmdline), read before /proc/cmdline.",
    ]),
    entry([code(`${KEYS_DIR}/`), ph("name")], [
      "The public keys (Ed25519) the initramfs carries, which module-setup.sh installs from the paths the dracut.conf variable ",
      code(PUBKEYS_VAR),
      " names, with openssl. An initramfs with a key here checks every archive's signature ",
      code("<imgfile>.sha256.sig"),
      " before anything is mounted on the root, and refuses any rd.tmpfs.verify but signature.",
    ]),
  ];
}

function examples(): Block[] {
  for (const line of EXAMPLES) {
    const r = parseParams(line);
    if (r.kind !== "ok") {
      throw new RangeError(`Invalid example "${line}": the model says ${r.kind}`);
    }
  }
  return [
    para("A disk labelled images; an LVM volume; an NFS export; a web server:"),
    { kind: "literal", lines: EXAMPLES },
  ];
}

function seeAlso(): Block[] {
  return [
    para(
      ...joinSpans(
        [
          manRef("tmpfs-root", 1),
          manRef("dracut", 8),
          manRef("dracut.cmdline", 7),
          manRef("dracut.conf", 5),
          manRef("bootparam", 7),
        ],
        ", ",
      ),
    ),
    para(
      "docs/safety.md in tmpfs-root's source: every rule that stops a boot (tar streams must end with their end-of-archive blocks, downloads are bounded in bytes, rate and time, https stays https, security.* attributes must be set, the archive must have the SHA-256 rd.tmpfs.sha256 or its sidecar gives, a signed sidecar when the initramfs carries keys), how to make a key pair and sign an archive, what the archive is trusted with, and the tests that show each.",
    ),
  ];
}

function manRef(name: string, section: number): Span[] {
  return [code(name), `(${section})`];
}

/** A text built by `make` from slot markers, as spans with the slots as placeholders. */
function slotted(make: (slot: (name: string) => string) => string): Span[] {
  const text = make((name) => `\uE000${name}\uE001`);
  return text.split(/\uE000([^\uE001]*)\uE001/).flatMap((part, i) =>
    i % 2 === 1 ? [ph(part)] : part === "" ? [] : [part]
  );
}

function joinSpans(groups: readonly (readonly Span[])[], separator: string): Span[] {
  return groups.flatMap((g, i) => i === 0 ? [...g] : [separator, ...g]);
}

function listWords(words: readonly string[]): string {
  return words.length <= 1
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected parameter kind ${JSON.stringify(x)}`);
}
