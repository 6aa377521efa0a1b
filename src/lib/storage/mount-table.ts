/** One row of a mount table: /proc/self/mountinfo (what is mounted) or /etc/fstab (what should be). */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  /** What is mounted there: a device, UUID=..., a FUSE program's name. */
  source: string;
  options: string[];
}

/**
 * Undoes the \ooo escapes mount tables use for space, tab, newline and backslash. A run of
 * escapes is decoded as bytes, so an escaped multi-byte UTF-8 character comes out whole.
 */
export function decodeMountField(field: string): string {
  return field.replace(/(?:\\[0-7]{3})+/g, (run) =>
    Buffer.from(run.split('\\').slice(1).map((octal) => parseInt(octal, 8))).toString('utf8'),
  );
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** Whether `path` is `ancestor` or lies below it, compared by whole path components ("/media/card2" is not in "/media/card"). */
export function pathWithin(path: string, ancestor: string): boolean {
  const inner = components(path);
  const outer = components(ancestor);
  return outer.length <= inner.length && outer.every((part, i) => part === inner[i]);
}

/** How many components deep a path is: "/" 0, "/media/card" 2. */
export function pathDepth(path: string): number {
  return components(path).length;
}

/**
 * The deepest mount in `table` that contains the absolute, normalized `path`. Of several
 * mounts on the same point the last listed wins: the kernel lists mounts in the order they
 * were made, and a later mount on the same point hides the earlier one.
 */
export function mountPointFor<T extends MountEntry>(path: string, table: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const entry of table) {
    if (!pathWithin(path, entry.mountPoint)) continue;
    if (best === undefined || pathDepth(entry.mountPoint) >= pathDepth(best.mountPoint)) best = entry;
  }
  return best;
}
