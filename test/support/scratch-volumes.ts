// Real filesystems for storage tests: tmpfs mounts and FAT32 images mounted with fusefat,
// in a temporary directory that cleanUp() unmounts and removes whatever state a test left.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait';

const run = promisify(execFile);

interface ScratchMount {
  mountPoint: string;
  fuse: boolean;
  daemon?: ChildProcess;
}

/** Whether mountinfo lists the path as a mount point (with its space, tab, newline and backslash escaped as mountinfo has them). */
async function listedInMountinfo(mountPoint: string): Promise<boolean> {
  const escaped = mountPoint.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return (await readFile('/proc/self/mountinfo', 'utf8')).includes(` ${escaped} `);
}

export class ScratchVolumes {
  private readonly mounts: ScratchMount[] = [];

  private constructor(readonly base: string) {}

  static async create(prefix: string): Promise<ScratchVolumes> {
    return new ScratchVolumes(await mkdtemp(join(tmpdir(), prefix)));
  }

  path(...names: string[]): string {
    return join(this.base, ...names);
  }

  /** Mounts a tmpfs of `size` (such as "1m") at base/name, made if needed. */
  async tmpfs(name: string, size = '4m'): Promise<string> {
    const mountPoint = this.path(name);
    await mkdir(mountPoint, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint]);
    this.mounts.push({ mountPoint, fuse: false });
    return mountPoint;
  }

  /** A freshly formatted FAT32 image at base/name (FAT32 needs about 33 MB at least). */
  async fatImage(name: string, megabytes = 40): Promise<string> {
    const image = this.path(name);
    await writeFile(image, '');
    await truncate(image, megabytes * 1024 * 1024);
    await run('mkfs.vfat', ['-F', '32', image]);
    return image;
  }

  /** Mounts a FAT image at base/name with fusefat, which detaches once the mount is up. */
  async fusefat(image: string, name: string): Promise<string> {
    const mountPoint = this.path(name);
    await mkdir(mountPoint, { recursive: true });
    await run('fusefat', ['-o', 'rw+', image, mountPoint]);
    this.mounts.push({ mountPoint, fuse: true });
    return mountPoint;
  }

  /** Like fusefat, but the FUSE program stays in the foreground as the returned child, for a test to kill. */
  async fusefatDaemon(image: string, name: string): Promise<ChildProcess> {
    const mountPoint = this.path(name);
    await mkdir(mountPoint, { recursive: true });
    const daemon = spawn('fusefat', ['-f', '-o', 'rw+', image, mountPoint], { stdio: 'ignore' });
    this.mounts.push({ mountPoint, fuse: true, daemon });
    await waitFor(async () => ((await listedInMountinfo(mountPoint)) ? true : undefined), `fusefat to mount ${mountPoint}`);
    return daemon;
  }

  /**
   * Unmounts; `lazy` detaches the mount at once even while files on it are open (a pulled
   * card): they stay usable, and the filesystem goes when the last one is closed.
   */
  async unmount(mountPoint: string, { lazy = false } = {}): Promise<void> {
    const index = this.mounts.map((mount) => mount.mountPoint).lastIndexOf(mountPoint);
    const mount = this.mounts[index];
    if (!mount) throw new Error(`${mountPoint} is not a scratch mount`);
    if (mount.fuse) await run('fusermount', lazy ? ['-u', '-z', mountPoint] : ['-u', mountPoint]);
    else await run('umount', lazy ? ['-l', mountPoint] : [mountPoint]);
    this.mounts.splice(index, 1);
  }

  /** Unmounts what is still mounted, newest first, then removes the directory. */
  async cleanUp(): Promise<void> {
    for (const mount of this.mounts.reverse()) {
      if (mount.daemon?.exitCode === null && mount.daemon.signalCode === null) mount.daemon.kill('SIGKILL');
      if (!(await listedInMountinfo(mount.mountPoint))) continue;
      // A lazy unmount still detaches a mount that is busy or whose FUSE program died.
      await run('umount', ['-l', mount.mountPoint]).catch(() => undefined);
    }
    this.mounts.length = 0;
    await rm(this.base, { recursive: true, force: true });
  }
}
