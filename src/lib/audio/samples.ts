import { AudioFormat, bytesPerFrame } from './format';

/** Writes a value in [-1, 1] as sample i, rounding to nearest and clipping to the format's range. */
export type SampleWriter = (buf: Buffer, index: number, value: number) => void;

const SCALE_16 = 0x8000;
const SCALE_24 = 0x80_0000;
const SCALE_32 = 0x8000_0000;

function clip(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

export function sampleWriter(format: AudioFormat): SampleWriter {
  if (format.encoding === 'float') return (buf, i, v) => buf.writeFloatLE(v, i * 4);
  switch (format.bitDepth) {
    case 8:
      return (buf, i, v) => {
        buf[i] = clip(Math.round(v * 0x80), -0x80, 0x7f) + 0x80;
      };
    case 16:
      return (buf, i, v) => buf.writeInt16LE(clip(Math.round(v * SCALE_16), -SCALE_16, SCALE_16 - 1), i * 2);
    case 24:
      return (buf, i, v) => buf.writeIntLE(clip(Math.round(v * SCALE_24), -SCALE_24, SCALE_24 - 1), i * 3, 3);
    case 32:
      return (buf, i, v) => buf.writeInt32LE(clip(Math.round(v * SCALE_32), -SCALE_32, SCALE_32 - 1), i * 4);
  }
}

/** PCM silence: zero, except unsigned 8-bit whose zero is 0x80. */
export function silence(format: AudioFormat, frames: number): Buffer {
  return Buffer.alloc(frames * bytesPerFrame(format), format.bitDepth === 8 ? 0x80 : 0);
}
