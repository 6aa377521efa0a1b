import { AudioFormat } from '../../src/lib/audio/format';

/**
 * Reads sample i of a buffer as a number in [-1, 1), one sample at a time through Buffer's own
 * readers: slow, and plainly right, to check the fast paths against.
 */
export function sampleReader(format: AudioFormat): (buf: Buffer, index: number) => number {
  if (format.encoding === 'float') return (buf, i) => buf.readFloatLE(i * 4);
  switch (format.bitDepth) {
    case 8:
      return (buf, i) => (buf.readUInt8(i) - 0x80) / 0x80;
    case 16:
      return (buf, i) => buf.readInt16LE(i * 2) / 0x8000;
    case 24:
      return (buf, i) => buf.readIntLE(i * 3, 3) / 0x80_0000;
    case 32:
      return (buf, i) => buf.readInt32LE(i * 4) / 0x8000_0000;
  }
}
