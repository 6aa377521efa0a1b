import { readFile } from 'node:fs/promises';
import { decodeMountField, type MountEntry } from './mount-table';

/**
 * Parses fstab(5) text: "source mountpoint fstype options [freq [passno]]" separated by
 * spaces or tabs, with \ooo escapes and "#" comment lines. Swap and other entries without
 * an absolute mount point are left out: they mount nothing a directory could live on.
 */
export function parseFstab(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const [source, mountPoint, fsType, options = 'defaults'] = line.trim().split(/[ \t]+/);
    if (source === undefined || mountPoint === undefined || fsType === undefined || fsType === 'swap') continue;
    const decodedMountPoint = decodeMountField(mountPoint);
    if (!decodedMountPoint.startsWith('/')) continue;
    entries.push({
      source: decodeMountField(source),
      mountPoint: decodedMountPoint,
      fsType: decodeMountField(fsType),
      options: options.split(','),
    });
  }
  return entries;
}

export const FSTAB_PATH = '/etc/fstab';

/** The entries of fstab, none when there is no fstab (containers, some minimal systems). */
export async function readFstab(path = FSTAB_PATH): Promise<MountEntry[]> {
  try {
    return parseFstab(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
