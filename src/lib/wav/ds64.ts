import { WavFormatError } from './wav-format-error';

/**
 * Payload of an EBU Tech 3306 ds64 chunk with an empty table: riffSize, dataSize and
 * sampleCount as 64-bit little-endian values, then tableLength. A JUNK chunk of exactly this
 * size is what files start with, so they can become RF64 in place.
 */
export const DS64_PAYLOAD_BYTES = 28;

export interface Ds64Sizes {
  /** The value RIFF's 32-bit size would hold: file length minus 8. */
  riffBytes: number;
  dataBytes: number;
  /** Sample frames in the data chunk. */
  frames: number;
}

export function writeDs64Payload(target: Buffer, offset: number, sizes: Ds64Sizes): void {
  target.writeBigUInt64LE(BigInt(sizes.riffBytes), offset);
  target.writeBigUInt64LE(BigInt(sizes.dataBytes), offset + 8);
  target.writeBigUInt64LE(BigInt(sizes.frames), offset + 16);
  target.writeUInt32LE(0, offset + 24);
}

export function readDs64Payload(source: Buffer, offset: number): Ds64Sizes {
  return {
    riffBytes: readSafeUInt64(source, offset, 'riffSize'),
    dataBytes: readSafeUInt64(source, offset + 8, 'dataSize'),
    frames: readSafeUInt64(source, offset + 16, 'sampleCount'),
  };
}

function readSafeUInt64(source: Buffer, offset: number, field: string): number {
  const value = source.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new WavFormatError(`ds64 ${field} ${value} is beyond what this reader handles (2^53 - 1)`);
  }
  return Number(value);
}
