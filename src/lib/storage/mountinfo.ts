import { readFile } from 'node:fs/promises';
import { decodeMountField, type MountEntry } from './mount-table';

/** A line of /proc/<pid>/mountinfo (see proc_pid_mountinfo(5)). */
export interface MountInfoEntry extends MountEntry {
  id: number;
  parentId: number;
  /** The st_dev of every file on this mount, as major:minor. */
  major: number;
  minor: number;
  /** The directory of the filesystem that appears at the mount point: "/" unless a bind mount of a subdirectory. */
  root: string;
  /** Options of the filesystem itself (per superblock), after the mount source. */
  superOptions: string[];
}

/**
 * Parses mountinfo text. A line is "id parent major:minor root mountpoint options
 * [optional fields...] - fstype source superoptions"; the optional fields end at the lone
 * "-". Paths and the source carry \ooo escapes. Lines that do not fit are skipped: a newer
 * kernel may add fields, and one odd line must not hide every other mount.
 */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (separator < 0) continue;
    const [id, parentId, device, root, mountPoint, options] = fields;
    const [fsType, source, superOptions] = fields.slice(separator + 1);
    const deviceMatch = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!deviceMatch || root === undefined || mountPoint === undefined || options === undefined) continue;
    if (fsType === undefined || source === undefined || superOptions === undefined) continue;
    entries.push({
      id: Number(id),
      parentId: Number(parentId),
      major: Number(deviceMatch[1]),
      minor: Number(deviceMatch[2]),
      root: decodeMountField(root),
      mountPoint: decodeMountField(mountPoint),
      options: options.split(','),
      fsType: decodeMountField(fsType),
      source: decodeMountField(source),
      superOptions: superOptions.split(','),
    });
  }
  return entries;
}

export const MOUNTINFO_PATH = '/proc/self/mountinfo';

export async function readMountInfo(path = MOUNTINFO_PATH): Promise<MountInfoEntry[]> {
  return parseMountInfo(await readFile(path, 'utf8'));
}

/**
 * The st_dev value (as Node's bigint stat gives it) of files on a mount: glibc's makedev()
 * encoding, which libuv uses to fill st_dev from statx's major and minor.
 */
export function deviceId(major: number, minor: number): bigint {
  const high = BigInt(major);
  const low = BigInt(minor);
  return ((high & 0xfffff000n) << 32n) | ((high & 0xfffn) << 8n) | ((low & 0xffffff00n) << 12n) | (low & 0xffn);
}
