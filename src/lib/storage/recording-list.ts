import { join } from 'node:path';
import { type AudioFormat, bytesPerFrame, framesToMs } from '../audio/format';
import { readWavInfo } from '../wav/header';
import { WavFormatError } from '../wav/wav-format-error';
import { storedRecordings } from './stored-recordings';
import type { StoredFile } from './retention';

export interface RecordingListing {
  name: string;
  bytes: number;
  /** Absent when the header cannot be read or claims more audio than the file holds (a cut-off copy). */
  durationMs?: number;
  frames?: number;
  /** Absent when the header cannot be read. */
  format?: AudioFormat;
  /** Last modification, ISO 8601. */
  modifiedAt: string;
}

/** The recordings in `directory`, oldest first, with what their WAV headers say. */
export async function listRecordings(directory: string): Promise<RecordingListing[]> {
  const listings: RecordingListing[] = [];
  for (const file of await storedRecordings(directory)) listings.push(await describe(directory, file));
  return listings;
}

async function describe(directory: string, file: StoredFile): Promise<RecordingListing> {
  const listing: RecordingListing = { name: file.name, bytes: file.bytes, modifiedAt: new Date(file.modifiedMs).toISOString() };
  const info = await readWavInfo(join(directory, file.name)).catch((err: unknown) => {
    if (err instanceof WavFormatError) return undefined;
    throw err;
  });
  if (info === undefined) return listing;
  listing.format = info.format;
  if (info.dataOffset + info.dataBytes <= file.bytes) {
    listing.frames = Math.floor(info.dataBytes / bytesPerFrame(info.format));
    listing.durationMs = framesToMs(listing.frames, info.format);
  }
  return listing;
}
