import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { copySynced } from './synced-copy';

/** Filesystems without hard links (FAT, some FUSE) answer link() with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/** Whether anything has the name `path`: a symbolic link too, dangling or not, which rename() would replace. */
async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
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

/** Where a file went, and whether it was copied there from another volume (its source still to be removed). */
interface Placed {
  target: string;
  copiedFrom?: string;
}

/**
 * Gives `source` a final name in `directory`. On the same volume the file itself is
 * claimed. From another volume (EXDEV) a copy is made under a hidden name in `directory`,
 * synced and checked, and that copy is claimed: a reader never sees a partial copy under
 * a final name. The source stays for the caller to remove once the directory is synced.
 */
async function place(source: string, directory: string, name: string): Promise<Placed> {
  try {
    return { target: await claim(source, directory, name) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  const copy = join(directory, `.publishing-${randomBytes(8).toString('hex')}`);
  try {
    await copySynced(source, copy);
    return { target: await claim(copy, directory, name), copiedFrom: source };
  } catch (err) {
    await unlink(copy).catch(() => undefined);
    throw err;
  }
}

/**
 * Publishes a finished recording: moves its files from the partial directory into
 * `directory` (same volume: a reader never sees a half-written file under a final name),
 * the first as `name`, further parts as `<stem>-part2.wav`... after the name it got.
 * Files on another volume are copied (see place) and removed only after the directory is
 * synced, so a power cut leaves the recording in one place or both, never in neither.
 * When a copy fails (a full card), the copies already named are removed again and every
 * source is kept, so that the publish can be tried again whole.
 * Returns the final paths in order.
 */
export async function publishFiles(partialPaths: readonly string[], directory: string, name: string): Promise<string[]> {
  const placed: Placed[] = [];
  let stem: string | undefined;
  try {
    for (const [i, partial] of partialPaths.entries()) {
      const file = await place(partial, directory, stem === undefined ? name : `${stem}-part${i + 1}.wav`);
      stem ??= basename(file.target, extname(file.target));
      placed.push(file);
    }
  } catch (err) {
    await Promise.all(placed.map((file) => (file.copiedFrom === undefined ? undefined : unlink(file.target).catch(() => undefined))));
    throw err;
  }
  await syncDirectory(directory);
  for (const { copiedFrom } of placed) if (copiedFrom !== undefined) await unlink(copiedFrom);
  return placed.map((file) => file.target);
}
