import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, normalize } from 'node:path';
import { isRecordingName } from '../recording/file-names';
import { readWavInfo } from '../wav/header';
import { WavFormatError } from '../wav/wav-format-error';
import { RecordingFileError, regularFileStats } from './recording-removal';

/** Where wav-writers leave finished recordings. */
export interface RecordingPlaces {
  /** Folders whose files may be taken: the directories of wav-writers that publish themselves. */
  folders: readonly string[];
  /** Folders whose subfolders' files may be taken: cards' `.partial` folders (one subfolder per wav-writer). */
  partialRoots: readonly string[];
}

/**
 * The files of a "recording finished" description (msg.recording: its path, and its parts
 * when it was split), checked before a storage node moves them. Each must be a plain
 * absolute path to a .wav name that is not hidden, in one of `places` (compared with
 * symbolic links resolved), a regular file and not a symbolic link, and a complete WAV
 * file: its header accounts for every byte, which a file still being written does not.
 * So a message can hand over only recordings this package finished, never reach a file
 * anywhere else.
 */
export async function finishedRecordingFiles(recording: unknown, places: RecordingPlaces): Promise<string[]> {
  if (typeof recording !== 'object' || recording === null) {
    throw new RecordingFileError('msg.recording must be the "recording finished" object from wav-writer');
  }
  const { path, parts } = recording as { path?: unknown; parts?: unknown };
  if (typeof path !== 'string') throw new RecordingFileError('msg.recording.path must be the path of the finished file');
  let files: readonly unknown[] = [path];
  if (parts !== undefined) {
    if (!Array.isArray(parts) || parts[0] !== path) throw new RecordingFileError("msg.recording.parts must list the recording's files, its path first");
    if (new Set(parts).size !== parts.length) throw new RecordingFileError('msg.recording.parts names a file twice');
    files = parts;
  }
  const folders = await resolvedFolders(places.folders);
  const partialRoots = await resolvedFolders(places.partialRoots);
  const allowed = (folder: string): boolean => folders.has(folder) || partialRoots.has(dirname(folder));
  const checked: string[] = [];
  for (const file of files) checked.push(await finishedRecordingFile(file, allowed));
  return checked;
}

async function finishedRecordingFile(file: unknown, allowed: (folder: string) => boolean): Promise<string> {
  if (typeof file !== 'string') throw new RecordingFileError(`msg.recording.parts must hold paths, got ${typeof file}`);
  const shown = JSON.stringify(file);
  if (!isAbsolute(file) || normalize(file) !== file) throw new RecordingFileError(`${shown} is not a plain absolute path`);
  if (!isRecordingName(basename(file))) throw new RecordingFileError(`${shown} is not named like a recording (a .wav name, not hidden)`);
  const missing = `${shown} does not exist`;
  const folder = await realpath(dirname(file)).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new RecordingFileError(missing) : err;
  });
  if (!allowed(folder)) throw new RecordingFileError(`${shown} is not in a folder a wav-writer writes to`);
  const stats = await regularFileStats(file, shown, missing);
  const info = await readWavInfo(file).catch((err: unknown) => {
    throw err instanceof WavFormatError ? new RecordingFileError(`${shown} is not a WAV file: ${err.message}`) : err;
  });
  if (info.dataOffset + info.dataBytes !== stats.size) {
    throw new RecordingFileError(`${shown} is not a finished WAV file: its header does not account for all of it (still being written?)`);
  }
  return file;
}

/** The folders as their real paths; those that do not exist hold nothing to take. */
async function resolvedFolders(folders: readonly string[]): Promise<Set<string>> {
  const resolved = await Promise.all(folders.map((folder) => realpath(folder).catch(() => undefined)));
  return new Set(resolved.filter((folder): folder is string => folder !== undefined));
}
