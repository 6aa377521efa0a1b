import { open, readFile } from 'node:fs/promises';
import type { MountInfoEntry } from './mountinfo';

export const UDEV_DATA_DIRECTORY = '/run/udev/data';

/** Filesystems found behind "fuseblk" mounts on a Raspberry Pi: exfat-fuse and ntfs-3g. */
type FuseblkFilesystem = 'exfat' | 'ntfs';

/**
 * The type that decides a mount's limits: mountinfo's, except for "fuseblk", which every
 * FUSE filesystem on a block device shows. Behind one, the filesystem is told by udev's
 * record of the device (world-readable) or, failing that, by the boot sector's OEM name
 * in the mount source (readable by root or the disk group); "fuseblk" when neither tells.
 */
export async function volumeFsType(
  mount: Pick<MountInfoEntry, 'fsType' | 'source' | 'major' | 'minor'>,
  udevDataDirectory = UDEV_DATA_DIRECTORY,
): Promise<string> {
  if (mount.fsType !== 'fuseblk') return mount.fsType;
  return (
    (await udevFilesystem(`${udevDataDirectory}/b${mount.major}:${mount.minor}`)) ??
    (await bootSectorFilesystem(mount.source)) ??
    mount.fsType
  );
}

async function udevFilesystem(recordPath: string): Promise<FuseblkFilesystem | undefined> {
  const record = await readFile(recordPath, 'utf8').catch(() => '');
  const type = /^E:ID_FS_TYPE=(.*)$/m.exec(record)?.[1];
  return type === 'exfat' || type === 'ntfs' ? type : undefined;
}

/** exFAT and NTFS boot sectors both name themselves in the 8 bytes after the 3-byte jump. */
async function bootSectorFilesystem(source: string): Promise<FuseblkFilesystem | undefined> {
  if (!source.startsWith('/')) return undefined;
  let oemName: string;
  try {
    const device = await open(source, 'r');
    try {
      const bytes = Buffer.alloc(8);
      const { bytesRead } = await device.read(bytes, 0, 8, 3);
      oemName = bytes.toString('latin1', 0, bytesRead);
    } finally {
      await device.close();
    }
  } catch {
    return undefined;
  }
  if (oemName === 'EXFAT   ') return 'exfat';
  if (oemName === 'NTFS    ') return 'ntfs';
  return undefined;
}
