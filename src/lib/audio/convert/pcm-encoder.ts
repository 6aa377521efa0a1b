import { AudioFormat } from '../format';
import { roundHalfToEven } from './rounding';

/**
 * Writes float64 values as PCM. For integer formats each value is multiplied by `scale`, clipped
 * to the range and rounded to nearest (ties to even). Float output is not clipped: a float
 * sample may carry a level above full scale, and the format keeps it.
 * Outputs come from Buffer.allocUnsafeSlow, which owns its ArrayBuffer from offset 0, so the
 * typed-array views over them are always aligned.
 */
export function encodePcm(values: Float64Array, count: number, scale: number, format: AudioFormat): Buffer {
  const pcm = Buffer.allocUnsafeSlow(count * (format.bitDepth / 8));
  if (format.encoding === 'float') {
    // Float output only comes from float input, whose units it shares: there is nothing to scale.
    new Float32Array(pcm.buffer, pcm.byteOffset, count).set(values.subarray(0, count));
    return pcm;
  }
  switch (format.bitDepth) {
    case 8:
      quantize(values, count, scale, -0x80, 0x7f, 0x80, pcm);
      return pcm;
    case 16:
      quantize(values, count, scale, -0x8000, 0x7fff, 0, new Int16Array(pcm.buffer, pcm.byteOffset, count));
      return pcm;
    case 24:
      quantizePacked24(values, count, scale, pcm);
      return pcm;
    case 32:
      quantize(values, count, scale, -0x8000_0000, 0x7fff_ffff, 0, new Int32Array(pcm.buffer, pcm.byteOffset, count));
      return pcm;
  }
}

/** Clips before rounding: the bounds are whole numbers, so the result is the same, and rounding stays within its valid range. */
function quantize(
  values: Float64Array,
  count: number,
  scale: number,
  min: number,
  max: number,
  zero: number,
  out: Uint8Array | Int16Array | Int32Array,
): void {
  for (let i = 0; i < count; i++) {
    // Indexes are in range by construction; `as number` only tells the compiler so.
    let value = (values[i] as number) * scale;
    if (value < min) value = min;
    else if (value > max) value = max;
    out[i] = roundHalfToEven(value) + zero;
  }
}

function quantizePacked24(values: Float64Array, count: number, scale: number, out: Buffer): void {
  for (let i = 0, at = 0; i < count; i++, at += 3) {
    let value = (values[i] as number) * scale;
    if (value < -0x80_0000) value = -0x80_0000;
    else if (value > 0x7f_ffff) value = 0x7f_ffff;
    const sample = roundHalfToEven(value);
    out[at] = sample & 0xff;
    out[at + 1] = (sample >> 8) & 0xff;
    out[at + 2] = (sample >> 16) & 0xff;
  }
}
