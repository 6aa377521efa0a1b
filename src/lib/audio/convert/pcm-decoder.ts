import { AudioFormat } from '../format';
import { AlignedViews } from '../aligned-views';
import { isEveryChannelInOrder } from './conversion-plan';

/**
 * Reads chosen channels of interleaved PCM into float64, in the input's own units: integer
 * sample values (unsigned 8-bit moved to centre on 0), or float samples as stored. Keeping the
 * units means integers pass through exactly and the later scaling is by a power of two.
 */
export class PcmDecoder {
  private readonly views = new AlignedViews();
  private readonly sourceChannels: Int32Array;
  /** Every channel in its own place: a plain typed-array copy, which runs natively. */
  private readonly wholeFrames: boolean;

  constructor(
    private readonly format: AudioFormat,
    sourceChannels: readonly number[],
  ) {
    this.sourceChannels = Int32Array.from(sourceChannels);
    this.wholeFrames = isEveryChannelInOrder(sourceChannels, format.channels);
  }

  /** Fills out[frame * picked + k] with source channel sourceChannels[k] of each frame. */
  decode(pcm: Buffer, frames: number, out: Float64Array): void {
    const { bitDepth, encoding } = this.format;
    const count = frames * this.sourceChannels.length;
    if (encoding === 'float') {
      this.pick(this.views.float32(pcm), frames, out);
      zeroNonFinite(out, count);
      return;
    }
    switch (bitDepth) {
      case 8:
        this.pick(pcm, frames, out);
        centreUnsigned8(out, count);
        return;
      case 16:
        this.pick(this.views.int16(pcm), frames, out);
        return;
      case 24:
        pickPacked24(pcm, frames, this.format.channels, this.sourceChannels, out);
        return;
      case 32:
        this.pick(this.views.int32(pcm), frames, out);
        return;
    }
  }

  private pick(samples: Uint8Array | Int16Array | Int32Array | Float32Array, frames: number, out: Float64Array): void {
    if (this.wholeFrames) out.set(samples.subarray(0, frames * this.format.channels));
    else pickChannels(samples, frames, this.format.channels, this.sourceChannels, out);
  }
}

/** One channel at a time, so the inner loop is a plain stride rather than a short loop per frame. */
function pickChannels(
  samples: Uint8Array | Int16Array | Int32Array | Float32Array,
  frames: number,
  channels: number,
  picks: Int32Array,
  out: Float64Array,
): void {
  const picked = picks.length;
  const end = frames * channels;
  for (let k = 0; k < picked; k++) {
    // Indexes are in range by construction; `as number` only tells the compiler so.
    for (let i = picks[k] as number, o = k; i < end; i += channels, o += picked) out[o] = samples[i] as number;
  }
}

function pickPacked24(bytes: Buffer, frames: number, channels: number, picks: Int32Array, out: Float64Array): void {
  const picked = picks.length;
  const end = frames * channels * 3;
  const frameBytes = channels * 3;
  for (let k = 0; k < picked; k++) {
    for (let at = (picks[k] as number) * 3, o = k; at < end; at += frameBytes, o += picked) {
      // Built in the top three bytes of an int32, then shifted down arithmetically to extend the sign.
      out[o] = (((bytes[at + 2] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at] as number) << 8)) >> 8;
    }
  }
}

/** Unsigned 8-bit silence is 0x80; moved to 0, the filter and the mix treat all formats alike. */
function centreUnsigned8(values: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) values[i] = (values[i] as number) - 0x80;
}

/**
 * A NaN or infinite sample from a float device reads as silence: inside the DC blocker it would
 * turn every later output of its channel into NaN.
 */
function zeroNonFinite(values: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const value = values[i] as number;
    if (value - value !== 0) values[i] = 0;
  }
}
