import { endianness } from 'node:os';
import { AudioFormat, bytesPerFrame } from '../format';
import { AudioConversion } from './conversion-options';
import { ConversionPlan, planConversion } from './conversion-plan';
import { DcBlocker } from './dc-blocker';
import { averageChannels } from './downmix';
import { PcmDecoder } from './pcm-decoder';
import { encodePcm } from './pcm-encoder';

export interface Converter {
  /** The format convert() returns. */
  readonly format: AudioFormat;
  /** Converts whole frames; state (the DC blocker's) carries over to the next call. */
  convert(pcm: Buffer): Buffer;
}

/**
 * A converter from `input` to what the options ask for. Throws a RangeError naming the option
 * that does not fit the input. With no option that changes anything, convert() hands back the
 * very buffer it was given.
 */
export function createConverter(input: AudioFormat, options: AudioConversion): Converter {
  const plan = planConversion(input, options);
  if (!plan) return new Passthrough(input);
  // Typed arrays read in the host's byte order and PCM is little-endian: refuse rather than garble.
  if (endianness() !== 'LE') throw new Error('audio conversion needs a little-endian host');
  return new PcmConverter(plan);
}

class Passthrough implements Converter {
  readonly format: AudioFormat;
  private readonly frameBytes: number;

  constructor(input: AudioFormat) {
    this.format = { ...input };
    this.frameBytes = bytesPerFrame(input);
  }

  convert(pcm: Buffer): Buffer {
    checkWholeFrames(pcm, this.frameBytes);
    return pcm;
  }
}

/**
 * Works in float64 (integer inputs in their own integer units, so they are held exactly), in
 * the order:
 * 1. DC block, per source channel: an offset belongs to a source channel (each capsule has its
 *    own), so each channel gets its own filter state. Only the channels that are kept are
 *    filtered; the others could not change the output.
 * 2. Channel selection or downmix. Filter and mix are both linear and nothing is rounded or
 *    clipped between them, so this order costs nothing in quality; mixing first would be
 *    cheaper for 'mono' (one filter instead of one per channel), which the speed does not need.
 * 3. Bit depth, last: the only rounding and clipping, done once, at the end, so no step before
 *    it loses resolution or clips an intermediate value.
 */
class PcmConverter implements Converter {
  readonly format: AudioFormat;
  private readonly plan: ConversionPlan;
  private readonly frameBytes: number;
  private readonly decoder: PcmDecoder;
  private readonly dcBlocker: DcBlocker | undefined;
  /** Kept between calls, grown to the largest chunk seen: no allocation per chunk once settled. */
  private work = new Float64Array(0);

  constructor(plan: ConversionPlan) {
    const { input, sourceChannels, dcBlockHz } = plan;
    this.plan = plan;
    this.format = plan.output;
    this.frameBytes = bytesPerFrame(input);
    this.decoder = new PcmDecoder(input, sourceChannels);
    // A channel listed twice gets two filters; they see the same samples, so they stay identical.
    this.dcBlocker = dcBlockHz === undefined ? undefined : new DcBlocker(sourceChannels.length, dcBlockHz, input.sampleRate);
  }

  convert(pcm: Buffer): Buffer {
    checkWholeFrames(pcm, this.frameBytes);
    const frames = pcm.length / this.frameBytes;
    const picked = this.plan.sourceChannels.length;
    if (this.work.length < frames * picked) this.work = new Float64Array(frames * picked);
    this.decoder.decode(pcm, frames, this.work);
    this.dcBlocker?.process(this.work, frames);
    if (this.plan.downmix) averageChannels(this.work, picked, frames);
    return encodePcm(this.work, frames * this.format.channels, this.plan.scale, this.format);
  }
}

function checkWholeFrames(pcm: Buffer, frameBytes: number): void {
  if (pcm.length % frameBytes !== 0) {
    throw new RangeError(`PCM of ${pcm.length} bytes is not a whole number of ${frameBytes}-byte frames`);
  }
}
