import type { Stats } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { safeFileName } from '../recording/file-names';
import { syncDirectory } from '../recording/publish';
import { recordingsToRemove, type RetentionPolicy } from './retention';
import { storedRecordings } from './stored-recordings';

/** A message named something that is not a recording it may touch: to delete, or to store. */
export class RecordingFileError extends Error {}

/**
 * The lstat of a file a message names, which must be a regular file: a symbolic link is
 * refused, never followed, and so is a folder. `shown` names the file in the errors;
 * `missing` is the error when there is nothing there.
 */
export async function regularFileStats(path: string, shown: string, missing: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RecordingFileError(missing);
    throw err;
  }
  if (stats.isSymbolicLink()) throw new RecordingFileError(`${shown} is a symbolic link, not a recording`);
  if (!stats.isFile()) throw new RecordingFileError(`${shown} is not a regular file`);
  return stats;
}

/**
 * Deletes one recording, named as a user or a message names it: the name must be a plain
 * file name (safeFileName: no separators, no "..", not hidden; ".wav" is added when
 * missing) of a regular file in `directory`. Symbolic links are refused, not followed, so
 * nothing outside the directory can be reached. Returns the name deleted.
 */
export async function deleteRecording(directory: string, name: unknown): Promise<string> {
  const fileName = safeFileName(name);
  const path = join(directory, fileName);
  await regularFileStats(path, `"${fileName}" in ${directory}`, `there is no recording "${fileName}" in ${directory}`);
  await unlink(path);
  await syncDirectory(directory);
  return fileName;
}

/**
 * Removes the oldest recordings until `policy` holds (see recordingsToRemove), never one
 * named in `keep`, and syncs the directory once. Returns the names removed.
 */
export async function pruneRecordings(
  directory: string,
  policy: RetentionPolicy,
  now: number,
  keep: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const removed: string[] = [];
  for (const name of recordingsToRemove(await storedRecordings(directory), policy, now, keep)) {
    try {
      await unlink(join(directory, name));
      removed.push(name);
    } catch (err) {
      // Deleted meanwhile by someone else: the space is free either way.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (removed.length > 0) await syncDirectory(directory);
  return removed;
}
