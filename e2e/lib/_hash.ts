/** Content hashing for cache keys. Private to `e2e/lib`. */

/** Hex sha256 of a string or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Hex sha256 over a folder tree: every entry's relative path, type, mode and
 * content (symlinks by target), in sorted order. A missing folder hashes as
 * the string "missing".
 */
export async function hashTree(root: string): Promise<string> {
  const parts: string[] = [];
  async function walk(rel: string): Promise<void> {
    const abs = rel ? `${root}/${rel}` : root;
    const names: string[] = [];
    for await (const entry of Deno.readDir(abs)) names.push(entry.name);
    names.sort();
    for (const name of names) {
      const relChild = rel ? `${rel}/${name}` : name;
      const absChild = `${root}/${relChild}`;
      const info = await Deno.lstat(absChild);
      const mode = (info.mode ?? 0).toString(8);
      if (info.isSymlink) {
        parts.push(`l ${JSON.stringify(relChild)} ${await Deno.readLink(absChild)}`);
      } else if (info.isDirectory) {
        parts.push(`d ${JSON.stringify(relChild)} ${mode}`);
        await walk(relChild);
      } else {
        const content = await sha256Hex(await Deno.readFile(absChild));
        parts.push(`f ${JSON.stringify(relChild)} ${mode} ${content}`);
      }
    }
  }
  try {
    await Deno.stat(root);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "missing";
    throw e;
  }
  await walk("");
  return await sha256Hex(parts.join("\n"));
}
