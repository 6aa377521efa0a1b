import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecordingName } from '../recording/file-names';
import { oldestFirst, type StoredFile } from './retention';

/**
 * The recordings directly in `directory`, oldest first: regular files with a recording's
 * name (isRecordingName: hidden names, ".partial" and copies being published, are work in
 * progress), so a symbolic link (which could point anywhere) or a directory is never
 * listed, and never pruned.
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
