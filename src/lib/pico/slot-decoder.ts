import { endianness } from 'node:os';
import { AlignedViews } from '../audio/aligned-views';
import { AudioFormat } from '../audio/format';
import { CHANNELS, SLOT_BITS } from './link-frame';

/** An SPH0645 sends 18 significant bits at the top of each 32-bit I2S slot. */
export const SPH0645_VALID_BITS = 18;

/**
 * The format the Pico source delivers: each slot as a 32-bit sample with `validBits`
 * significant bits at the top (MSB-justified, as WAV and this project's converters and meters
 * read validBits), so full scale stays full scale. mic-in's converter makes 24 or 16 bits of
 * it (rounded half to even) and runs the DC blocker.
 */
export function linkAudioFormat(sampleRate: number, validBits: number): AudioFormat {
  return { sampleRate, channels: CHANNELS, bitDepth: SLOT_BITS, encoding: 'signed', validBits };
}

/**
 * Raw I2S slots (little-endian 32-bit, docs/pico-link-protocol.md section 3.2) to PCM. Each
 * sample is taken with an arithmetic shift right by 32 - validBits, which keeps the sign of a
 * negative sample (a mask or a logical shift would turn it into a large positive one), then put
 * back at the top of the 32-bit sample with zeros below. The slot's low bits should already be
 * zero; where they are not (noise, a mis-timed bus shifting the data by a bit) they are counted.
 */
export class SlotDecoder {
  /** Slots that had bits set below the valid ones. */
  slotsWithStrayBits = 0;
  private readonly dropBits: number;
  private readonly views = new AlignedViews();

  constructor(validBits: number) {
    if (!Number.isInteger(validBits) || validBits < 1 || validBits > SLOT_BITS) {
      throw new RangeError(`validBits must be a whole number from 1 to ${SLOT_BITS}, got ${validBits}`);
    }
    // Typed arrays read in the host's byte order and the slots are little-endian: refuse rather than garble.
    if (endianness() !== 'LE') throw new Error('Pico audio decoding needs a little-endian host');
    this.dropBits = SLOT_BITS - validBits;
  }

  /** A new Buffer of PCM for the whole slots in `slots`. */
  decode(slots: Buffer): Buffer {
    const drop = this.dropBits;
    const count = Math.floor(slots.length / 4);
    const input = this.views.int32(slots.subarray(0, count * 4));
    // allocUnsafeSlow owns its memory from offset 0, so the view over it is aligned.
    const pcm = Buffer.allocUnsafeSlow(count * 4);
    const output = new Int32Array(pcm.buffer, pcm.byteOffset, count);
    let stray = 0;
    for (let i = 0; i < count; i++) {
      // In range by construction; `as number` only tells the compiler so.
      const slot = input[i] as number;
      const justified = (slot >> drop) << drop;
      if (justified !== slot) stray++;
      output[i] = justified;
    }
    this.slotsWithStrayBits += stray;
    return pcm;
  }
}
