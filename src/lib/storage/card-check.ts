import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { readFstab } from './fstab';
import { type MountEntry, mountPointFor, pathDepth, pathWithin } from './mount-table';
import { deviceId, type MountInfoEntry, readMountInfo } from './mountinfo';
import { volumeFsType } from './volume-fs-type';

export interface CardCheckOptions {
  /** The storage directory. */
  directory: string;
  /**
   * Where the card is mounted, for when the mount tables cannot tell: a card that is
   * auto-mounted but out at start, or not listed in fstab.
   */
  mountPoint?: string;
  /** Test seams; default /proc/self/mountinfo, /etc/fstab and /run/udev/data. */
  mountInfoPath?: string;
  fstabPath?: string;
  udevDataDirectory?: string;
}

export interface CardState {
  present: boolean;
  /** The mount point the directory is expected on; absent when it lives on the root filesystem. */
  mountPoint?: string;
  /** The filesystem holding the directory (when present); fuseblk resolved where possible (see volumeFsType). */
  fsType?: string;
  /** The mount source of that filesystem (when present), such as /dev/mmcblk0p1. */
  source?: string;
  /** Why the card counts as missing. */
  reason?: string;
}

/** Where the directory is, following symbolic links as far as the path exists. */
type Location = { path: string; device: bigint } | { path: string; error: NodeJS.ErrnoException };

/**
 * Tells whether the card a storage directory lives on is in, from the mount table and
 * device ids, never from whether a directory exists: an unmounted card leaves its mount
 * point behind as an empty directory on the root filesystem.
 *
 * The directory is expected on: the mount point given; else the deepest mount point other
 * than "/" that contains it in mountinfo or fstab, or that this check saw it on before (so
 * a card auto-mounted under /media and pulled, its mount point gone, is still missing);
 * else nothing (the root filesystem, always present). It is present when that mount point
 * is mounted and the directory (or, before it is made, its nearest existing ancestor) has
 * the device id of the mount holding it.
 */
export class CardCheck {
  readonly directory: string;
  private readonly mountPoint: string | undefined;
  private readonly options: CardCheckOptions;
  private seenMountPoint: string | undefined;

  constructor(options: CardCheckOptions) {
    this.directory = resolve(options.directory);
    this.mountPoint = options.mountPoint === undefined ? undefined : resolve(options.mountPoint);
    this.options = options;
  }

  async check(): Promise<CardState> {
    const [mounts, fstab, location] = await Promise.all([
      readMountInfo(this.options.mountInfoPath),
      // fstab only helps to find the mount point, so it is not read when one is given.
      this.mountPoint === undefined ? readFstab(this.options.fstabPath) : [],
      locate(this.directory),
    ]);
    const expected = this.expectedMountPoint(location.path, mounts, fstab);
    const holder = mountPointFor(location.path, mounts);
    if (expected === undefined) return { present: true, ...(holder && (await this.describe(holder))) };
    const missing = (reason: string): CardState => ({ present: false, mountPoint: expected, reason });
    if (!pathWithin(location.path, expected)) return missing(`${location.path} is not under ${expected}`);
    if (!holder || !pathWithin(holder.mountPoint, expected)) return missing(`nothing is mounted at ${expected}`);
    if ('error' in location) return missing(`${location.path} cannot be reached (${location.error.code ?? location.error.message})`);
    if (location.device !== deviceId(holder.major, holder.minor)) {
      return missing(`${location.path} is not on the filesystem mounted at ${holder.mountPoint}`);
    }
    this.seenMountPoint = expected;
    return { present: true, mountPoint: expected, ...(await this.describe(holder)) };
  }

  /**
   * Creates the storage directory when the card is present, never when it is missing: that
   * would put it on the root filesystem, under the empty mount point.
   */
  async ensureDirectory(): Promise<CardState> {
    const state = await this.check();
    if (state.present) await mkdir(this.directory, { recursive: true });
    return state;
  }

  private expectedMountPoint(path: string, mounts: readonly MountEntry[], fstab: readonly MountEntry[]): string | undefined {
    if (this.mountPoint !== undefined) return this.mountPoint;
    const listed = [...mounts, ...fstab].filter((entry) => entry.mountPoint !== '/' && pathWithin(path, entry.mountPoint));
    let deepest = this.seenMountPoint;
    for (const { mountPoint } of listed) {
      if (deepest === undefined || pathDepth(mountPoint) > pathDepth(deepest)) deepest = mountPoint;
    }
    return deepest;
  }

  private async describe(holder: MountInfoEntry): Promise<Pick<CardState, 'fsType' | 'source'>> {
    return { fsType: await volumeFsType(holder, this.options.udevDataDirectory), source: holder.source };
  }
}

/**
 * Resolves the directory through its nearest existing ancestor: what is not made yet is
 * judged by where it would be made. An ancestor that cannot be looked at (a FUSE mount
 * whose program died answers ENOTCONN, a failing card EIO) is reported, not skipped.
 */
async function locate(directory: string): Promise<Location> {
  for (let ancestor = directory; ; ancestor = dirname(ancestor)) {
    try {
      const real = await realpath(ancestor);
      const { dev } = await stat(real, { bigint: true });
      return { path: join(real, relative(ancestor, directory)), device: dev };
    } catch (err) {
      const error = err as NodeJS.ErrnoException;
      if ((error.code !== 'ENOENT' && error.code !== 'ENOTDIR') || ancestor === '/') return { path: directory, error };
    }
  }
}
