import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { oldestFirst, type StoredFile } from './retention';

/** A recording is a .wav file; hidden names (".partial", copies being published) are work in progress. */
function isRecordingName(name: string): boolean {
  return !name.startsWith('.') && /\.wav$/i.test(name);
}

/**
 * The recordings directly in `directory`, oldest first: regular files only, so a symbolic
 * link (which could point anywhere) or a directory is never listed, and never pruned.
 */
export async function storedRecordings(directory: string): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  for (const name of await readdir(directory)) {
    if (!isRecordingName(name)) continue;
    let stats;
    try {
      stats = await lstat(join(directory, name));
    } catch (err) {
      // Removed since readdir (by a user, or a prune in another flow).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (stats.isFile()) files.push({ name, bytes: stats.size, modifiedMs: stats.mtimeMs });
  }
  return files.sort(oldestFirst);
}
