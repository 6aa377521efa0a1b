import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** Filesystems without hard links (FAT, some FUSE) answer link() with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Makes a rename durable: the directory entry itself is only safe once the directory is synced. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves `partial` to `name` in `directory`, or to name-2, name-3... when that is taken: a
 * published file never replaces another. link() fails on an existing name, so two writers
 * sharing a directory cannot take the same one; where the filesystem has no hard links,
 * a check before the rename has to do.
 */
async function claim(partial: string, directory: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = basename(name, ext);
  for (let n = 1; ; n++) {
    const target = join(directory, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await link(partial, target);
      await unlink(partial);
      return target;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (!NO_HARD_LINKS.has(code)) throw err;
      if (await exists(target)) continue;
      await rename(partial, target);
      return target;
    }
  }
}

/**
 * Publishes a finished recording: moves its files from the partial directory into
 * `directory` (same volume: a reader never sees a half-written file under a final name),
 * the first as `name`, further parts as `<stem>-part2.wav`... after the name it got.
 * Returns the final paths in order.
 */
export async function publishFiles(partialPaths: readonly string[], directory: string, name: string): Promise<string[]> {
  const published: string[] = [];
  let stem: string | undefined;
  for (const [i, partial] of partialPaths.entries()) {
    const target = await claim(partial, directory, stem === undefined ? name : `${stem}-part${i + 1}.wav`);
    stem ??= basename(target, extname(target));
    published.push(target);
  }
  await syncDirectory(directory);
  return published;
}
