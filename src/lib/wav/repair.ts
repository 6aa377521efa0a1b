import { open } from 'node:fs/promises';
import { type AudioFormat, bytesPerFrame } from '../audio/format';
import { DS64_PAYLOAD_BYTES, writeDs64Payload } from './ds64';
import { parseWavHeader, RIFF_LIMIT, type WavInfo } from './header';
import { commitHeader, readHead } from './header-io';
import { WavFormatError } from './wav-format-error';

export interface WavRepairResult {
  path: string;
  format: AudioFormat;
  frames: number;
  dataBytes: number;
  container: 'wav' | 'rf64';
  /** Whether anything in the file was rewritten or cut. */
  changed: boolean;
  /** Bytes of a torn last frame cut from the end of the file. */
  truncatedBytes: number;
}

/** What a size field holds when the real size does not fit it (RF64's convention, and "read to the end" for most readers). */
const SIZE_UNKNOWN = 0xffff_ffff;

/**
 * Brings the header of an interrupted recording (sizes 0, 0xFFFFFFFF, or stale either
 * way; a torn last frame) in line with the whole frames on disk, then syncs.
 *
 * The data chunk is taken to run to the end of the file, as it does in the files this
 * package writes; a file with chunks after its data (some editors append LIST there) would
 * have them counted as audio, so do not point this at such files.
 *
 * Past 4 GiB the file becomes RF64 when its first chunk is a 28-byte JUNK reserve (ours
 * always is). Without one, the RIFF and data sizes are set to 0xFFFFFFFF, which sox,
 * ffmpeg and most players read as "to the end of the file".
 */
export async function repairWavFile(path: string): Promise<WavRepairResult> {
  const file = await open(path, 'r+');
  try {
    const head = await readHead(file);
    const info = parseWavHeader(head);
    const { size } = await file.stat();
    const frameBytes = bytesPerFrame(info.format);
    const bytesOnDisk = size - info.dataOffset;
    const frames = Math.floor(bytesOnDisk / frameBytes);
    const dataBytes = frames * frameBytes;
    const truncatedBytes = bytesOnDisk - dataBytes;
    const oldHeader = head.subarray(0, info.dataOffset);
    const { header, container } = correctedHeader(oldHeader, info, dataBytes);
    const upgrading = container !== info.container;
    const changed = truncatedBytes > 0 || !header.equals(oldHeader);
    if (changed) {
      if (truncatedBytes > 0) await file.truncate(info.dataOffset + dataBytes);
      await commitHeader(file, header, upgrading ? info.junkOffset : undefined);
    }
    return { path, format: info.format, frames, dataBytes, container, changed, truncatedBytes };
  } finally {
    await file.close();
  }
}

/**
 * A copy of the header bytes (up to the first PCM byte) with its size fields describing
 * `dataBytes` of data. Only the size fields (and, on upgrade, the container id and the
 * JUNK id) change, so chunks we do not know are kept as they were.
 */
function correctedHeader(oldHeader: Buffer, info: WavInfo, dataBytes: number): { header: Buffer; container: 'wav' | 'rf64' } {
  const header = Buffer.from(oldHeader);
  const riffBytes = info.dataOffset - 8 + dataBytes;
  const dataSizeOffset = info.dataOffset - 4;
  if (info.container === 'wav' && riffBytes <= RIFF_LIMIT) {
    header.writeUInt32LE(riffBytes, 4);
    header.writeUInt32LE(dataBytes, dataSizeOffset);
    return { header, container: 'wav' };
  }
  if (info.junkOffset === undefined) {
    if (info.container === 'rf64') {
      throw new WavFormatError('cannot repair an RF64 file whose ds64 is not a 28-byte chunk right after "WAVE"');
    }
    header.writeUInt32LE(SIZE_UNKNOWN, 4);
    header.writeUInt32LE(SIZE_UNKNOWN, dataSizeOffset);
    return { header, container: 'wav' };
  }
  header.write('RF64', 0, 'latin1');
  header.writeUInt32LE(SIZE_UNKNOWN, 4);
  header.write('ds64', info.junkOffset, 'latin1');
  header.writeUInt32LE(DS64_PAYLOAD_BYTES, info.junkOffset + 4);
  writeDs64Payload(header, info.junkOffset + 8, { riffBytes, dataBytes, frames: dataBytes / bytesPerFrame(info.format) });
  header.writeUInt32LE(SIZE_UNKNOWN, dataSizeOffset);
  return { header, container: 'rf64' };
}
