import { open, rename, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** `name` in `directory`, or name-2, name-3... when that is taken: a published file is never overwritten. */
export async function freePath(directory: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = basename(name, ext);
  for (let n = 1; ; n++) {
    const candidate = join(directory, n === 1 ? name : `${stem}-${n}${ext}`);
    if (!(await exists(candidate))) return candidate;
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
 * Moves finished files from the partial directory to their final names in `directory`
 * (rename on the same volume: a reader never sees a half-written file under a final name).
 * Part 2.. keep the first part's final stem. Returns the final paths in order.
 */
export async function publishFiles(partialPaths: string[], directory: string): Promise<string[]> {
  const published: string[] = [];
  let stem: string | undefined;
  for (const [i, partial] of partialPaths.entries()) {
    const name = stem === undefined ? basename(partial) : `${stem}-part${i + 1}.wav`;
    const target = await freePath(directory, name);
    await rename(partial, target);
    stem ??= basename(target, extname(target));
    published.push(target);
  }
  await syncDirectory(directory);
  return published;
}
