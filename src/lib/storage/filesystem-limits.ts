/** What a filesystem does not allow that a recorder has to plan for. */
export interface FilesystemLimits {
  /** Largest file the filesystem holds; undefined when no recording will reach it. */
  maxFileBytes?: number;
  /** Whether file names must follow FAT's long-name rules (see fatNameProblem). */
  fatNames: boolean;
}

/** FAT32 holds files up to 4 GiB - 1 byte: its directory entry has a 32-bit size. */
export const FAT32_MAX_FILE_BYTES = 0xffff_ffff;

/** Kernel FAT drivers, and fusefat (a FUSE mount's type is "fuse.<program>"). */
const FAT_TYPES = new Set(['vfat', 'msdos', 'fat', 'fuse.fusefat']);

/**
 * The limits of a filesystem type as mountinfo names it. exFAT keeps FAT's naming rules
 * but not its size limit. "fuseblk" alone (ntfs-3g, exfat-fuse) says nothing about the
 * filesystem; resolve it with volumeFsType first, else it counts as unlimited.
 */
export function filesystemLimits(fsType: string): FilesystemLimits {
  if (FAT_TYPES.has(fsType)) return { maxFileBytes: FAT32_MAX_FILE_BYTES, fatNames: true };
  if (fsType === 'exfat') return { fatNames: true };
  return { fatNames: false };
}
