import { stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { framesToMs } from '../audio/format';
import { RecordingInfo } from '../contract/recording';
import { wavLayout } from '../wav/header';
import { repairWavFile } from '../wav/repair';
import { publishFiles } from './publish';

/**
 * Finishes a file an earlier run left unfinished (power cut, crash): fixes its header to
 * the whole frames on disk and publishes it under its own name in `directory` (without
 * one, it stays where it is, for a storage node to publish). Returns its "recording
 * finished" description, or undefined for an empty file (killed before its first header),
 * which holds no audio and is removed.
 */
export async function recoverPartialFile(path: string, directory: string | undefined): Promise<RecordingInfo | undefined> {
  // Taken before the repair, which changes the modification time.
  const { size, mtime } = await stat(path);
  if (size === 0) {
    await unlink(path);
    return undefined;
  }
  const repaired = await repairWavFile(path);
  const [published] = directory === undefined ? [path] : await publishFiles([path], directory, basename(path));
  if (!published) throw new Error(`${path} was not published`);
  const durationMs = framesToMs(repaired.frames, repaired.format);
  return {
    session: '',
    path: published,
    frames: repaired.frames,
    durationMs,
    bytes: repaired.dataBytes + wavLayout(repaired.format).headerBytes,
    format: repaired.format,
    container: repaired.container,
    startedAt: new Date(mtime.getTime() - durationMs).toISOString(),
    endedAt: mtime.toISOString(),
    reason: 'interrupted',
    dropped: 0,
  };
}
