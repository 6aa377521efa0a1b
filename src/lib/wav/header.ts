import { open } from 'node:fs/promises';
import { assertFormat, type AudioFormat, bytesPerFrame } from '../audio/format';
import { DS64_PAYLOAD_BYTES, type Ds64Sizes, readDs64Payload, writeDs64Payload } from './ds64';
import { decodeFmtPayload, encodeFmtPayload, fmtPayloadBytes, needsExtensible } from './fmt-chunk';
import { readHead } from './header-io';
import { WavFormatError } from './wav-format-error';

export { WavFormatError } from './wav-format-error';

/** Largest value of a 32-bit RIFF size field; past it the file must be RF64. */
export const RIFF_LIMIT = 0xffff_ffff;

/** The 32-bit size fields of an RF64 file hold this; the real sizes are in ds64. */
const SIZE_IN_DS64 = 0xffff_ffff;

/**
 * Files we write reserve their first chunk, right after "WAVE", for ds64: RF64 readers
 * expect it there, and a JUNK chunk of the same size lets a file become RF64 in place.
 */
export const DS64_SLOT_OFFSET = 12;
const FMT_OFFSET = DS64_SLOT_OFFSET + 8 + DS64_PAYLOAD_BYTES;

export interface WavLayout {
  /** Offset of the first PCM byte in files we write. */
  headerBytes: number;
  extensible: boolean;
}

export function wavLayout(format: AudioFormat): WavLayout {
  assertFormat(format);
  return { headerBytes: FMT_OFFSET + 8 + fmtPayloadBytes(format) + 8, extensible: needsExtensible(format) };
}

/**
 * The whole header of a file we write ("RIFF"/"RF64", JUNK/ds64, fmt, data chunk header)
 * for `dataBytes` of PCM, a whole number of frames. Data is always the last chunk, so the
 * sizes count exactly the bytes in the file: no pad byte is added after odd-sized data
 * (there is nothing after it to align).
 */
export function buildWavHeader(format: AudioFormat, dataBytes: number, container: 'wav' | 'rf64'): Buffer {
  assertFormat(format);
  const frameBytes = bytesPerFrame(format);
  if (!Number.isSafeInteger(dataBytes) || dataBytes < 0 || dataBytes % frameBytes !== 0) {
    throw new RangeError(`dataBytes must be a whole number of ${frameBytes}-byte frames, got ${dataBytes}`);
  }
  const fmtPayload = encodeFmtPayload(format);
  const dataChunkOffset = FMT_OFFSET + 8 + fmtPayload.length;
  const header = Buffer.alloc(dataChunkOffset + 8);
  const riffBytes = header.length - 8 + dataBytes;
  if (container === 'wav' && riffBytes > RIFF_LIMIT) {
    throw new RangeError(`${dataBytes} data bytes do not fit a RIFF size field; use 'rf64'`);
  }
  const rf64 = container === 'rf64';
  header.write(rf64 ? 'RF64' : 'RIFF', 0, 'latin1');
  header.writeUInt32LE(rf64 ? SIZE_IN_DS64 : riffBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write(rf64 ? 'ds64' : 'JUNK', DS64_SLOT_OFFSET, 'latin1');
  header.writeUInt32LE(DS64_PAYLOAD_BYTES, DS64_SLOT_OFFSET + 4);
  if (rf64) writeDs64Payload(header, DS64_SLOT_OFFSET + 8, { riffBytes, dataBytes, frames: dataBytes / frameBytes });
  header.write('fmt ', FMT_OFFSET, 'latin1');
  header.writeUInt32LE(fmtPayload.length, FMT_OFFSET + 4);
  fmtPayload.copy(header, FMT_OFFSET + 8);
  header.write('data', dataChunkOffset, 'latin1');
  header.writeUInt32LE(rf64 ? SIZE_IN_DS64 : dataBytes, dataChunkOffset + 4);
  return header;
}

export interface WavInfo {
  container: 'wav' | 'rf64';
  format: AudioFormat;
  /** Offset of the first PCM byte. */
  dataOffset: number;
  /** What the header claims (ds64 for RF64); stale, 0 or 0xFFFFFFFF in an interrupted file. */
  dataBytes: number;
  /**
   * Offset of a chunk that can hold ds64 in place: a JUNK or ds64 chunk with a 28-byte
   * payload, as the first chunk after "WAVE" (where RF64 readers look for ds64).
   */
  junkOffset?: number;
}

/**
 * Reads the chunks before the data chunk, in any order, skipping unknown ones (LIST, bext,
 * fact...) with RIFF's odd-size padding. Sizes are reported as claimed, not checked
 * against the file: that is repair's job.
 */
export function parseWavHeader(head: Buffer): WavInfo {
  if (head.length < 12) throw new WavFormatError(`${head.length} bytes are too short for a RIFF header`);
  const riffId = head.toString('latin1', 0, 4);
  if (riffId !== 'RIFF' && riffId !== 'RF64') {
    const hint = riffId === 'RIFX' ? ' (big-endian RIFX is not supported)' : '';
    throw new WavFormatError(`not a RIFF or RF64 file: starts with ${JSON.stringify(riffId)}${hint}`);
  }
  const formType = head.toString('latin1', 8, 12);
  if (formType !== 'WAVE') throw new WavFormatError(`RIFF form type is ${JSON.stringify(formType)}, not "WAVE"`);
  const container = riffId === 'RF64' ? 'rf64' : 'wav';
  let format: AudioFormat | undefined;
  let ds64: Ds64Sizes | undefined;
  let junkOffset: number | undefined;
  let offset = 12;
  for (;;) {
    if (offset + 8 > head.length) {
      throw new WavFormatError(`no data chunk header within the first ${head.length} bytes`);
    }
    const chunkId = head.toString('latin1', offset, offset + 4);
    const chunkBytes = head.readUInt32LE(offset + 4);
    if (chunkId === 'data') {
      if (format === undefined) throw new WavFormatError('no fmt chunk before the data chunk');
      if (container === 'rf64' && ds64 === undefined) throw new WavFormatError('RF64 file without a ds64 chunk');
      const dataBytes = ds64 === undefined ? chunkBytes : ds64.dataBytes;
      return { container, format, dataOffset: offset + 8, dataBytes, ...(junkOffset === undefined ? {} : { junkOffset }) };
    }
    const payload = head.subarray(offset + 8, offset + 8 + chunkBytes);
    if (chunkId === 'fmt ' || (chunkId === 'ds64' && container === 'rf64')) {
      if (payload.length < chunkBytes) throw new WavFormatError(`${JSON.stringify(chunkId)} chunk runs past the first ${head.length} bytes`);
      if (chunkId === 'fmt ') format = decodeFmtPayload(payload);
      else if (chunkBytes < DS64_PAYLOAD_BYTES) throw new WavFormatError(`ds64 chunk is ${chunkBytes} bytes, at least 28 expected`);
      else ds64 = readDs64Payload(payload, 0);
    }
    if ((chunkId === 'JUNK' || chunkId === 'ds64') && offset === DS64_SLOT_OFFSET && chunkBytes === DS64_PAYLOAD_BYTES) {
      junkOffset = offset;
    }
    offset += 8 + chunkBytes + (chunkBytes % 2);
  }
}

/** Parses the header of the file at `path` from its first 64 KiB. */
export async function readWavInfo(path: string): Promise<WavInfo> {
  const file = await open(path, 'r');
  try {
    return parseWavHeader(await readHead(file));
  } finally {
    await file.close();
  }
}
