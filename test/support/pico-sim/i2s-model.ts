/**
 * The simulated microphone behind the stand-in `machine.I2S`: what an SPH0645 on an rp2 I2S
 * port delivers, and when. Pure TypeScript (no MicroPython), so tests can regenerate the samples.
 */

/** The test signal: a sine on a DC offset plus a slow ramp, so a shifted index never matches. */
export interface SimPattern {
  /** Sine amplitude, in 18-bit units (full scale 131071). */
  amplitude: number;
  /** Hz, at the rate the firmware started I2S with. */
  frequency: number;
  /** The SPH0645's DC offset, in 18-bit units. */
  dcOffset: number;
  /** The ramp adds `n % rampPeriod` (a prime, so frame sizes never line up with it). */
  rampPeriod: number;
  /** Bits set below the 18 valid ones (bits 13..0 of the slot); an SPH0645 sends zeros there. */
  lowBits: number;
}

export const DEFAULT_PATTERN: SimPattern = { amplitude: 50_000, frequency: 440, dcOffset: -12_000, rampPeriod: 4093, lowBits: 0 };

export const VALID_BITS = 18;
const SAMPLE_MAX = 2 ** (VALID_BITS - 1) - 1;

/** The 18-bit sample number `n` (0 = the first sample after I2S started). */
export function patternSample(n: number, rate: number, pattern: SimPattern = DEFAULT_PATTERN): number {
  const sine = Math.round(pattern.amplitude * Math.sin((2 * Math.PI * pattern.frequency * n) / rate));
  const value = pattern.dcOffset + sine + (n % pattern.rampPeriod);
  return Math.max(-SAMPLE_MAX - 1, Math.min(SAMPLE_MAX, value));
}

/** The 32-bit I2S slot of sample `n`, as a signed 32-bit integer: the sample MSB-justified. */
export function patternSlot(n: number, rate: number, pattern: SimPattern = DEFAULT_PATTERN): number {
  return ((patternSample(n, rate, pattern) << (32 - VALID_BITS)) | (pattern.lowBits & ((1 << (32 - VALID_BITS)) - 1))) | 0;
}

/**
 * rp2's DMA moves 256-byte buffers in two halves; each half (128 bytes = 16 frames of 32-bit
 * stereo) goes into the ring buffer only when the ring has room for all of it, else it is dropped
 * (ports/rp2/machine_i2s.c, empty_dma). The ring stores 8 bytes per frame whatever the format.
 */
const FRAMES_PER_DMA_HALF = 16;
const RING_BYTES_PER_FRAME = 8;

export interface I2sFormat {
  bits: 16 | 32;
  stereo: boolean;
}

export interface Overrun {
  /** Index (in the pattern) of the first frame lost. */
  firstLost: number;
  lost: number;
}

/**
 * One I2S receiver: frames appear at `rate` from `startUs` on the simulated clock, go through
 * rp2's ring buffer (ibuf bytes) and are taken out by readinto. When the reader is late the ring
 * fills and new DMA halves are dropped, exactly as on the Pico.
 */
export class I2sReceiver {
  readonly capacity: number;
  /** Frames read out so far. */
  framesRead = 0;
  readonly overruns: Overrun[] = [];
  /** Contiguous runs of pattern indexes waiting in the ring. */
  private readonly ring: { start: number; count: number }[] = [];
  private held = 0;
  /** Next DMA half to complete. */
  private nextHalf = 0;
  private dropping: Overrun | undefined;

  constructor(
    readonly rate: number,
    readonly ibuf: number,
    readonly format: I2sFormat,
    readonly startUs: number,
    readonly pattern: SimPattern,
    private readonly onOverrunEnd: (overrun: Overrun) => void = () => undefined,
  ) {
    this.capacity = Math.floor(ibuf / RING_BYTES_PER_FRAME);
  }

  get bytesPerFrame(): number {
    return (this.format.bits / 8) * (this.format.stereo ? 2 : 1);
  }

  /** When DMA half `half` is complete (its last frame clocked in), on the simulated clock. */
  private halfDoneUs(half: number): number {
    return this.startUs + ((half + 1) * FRAMES_PER_DMA_HALF * 1e6) / this.rate;
  }

  /** Moves every DMA half completed by `nowUs` into the ring (or drops it). */
  advance(nowUs: number): void {
    while (this.halfDoneUs(this.nextHalf) <= nowUs) {
      const first = this.nextHalf * FRAMES_PER_DMA_HALF;
      this.nextHalf++;
      if (this.capacity - this.held >= FRAMES_PER_DMA_HALF) {
        this.endOverrun();
        const last = this.ring[this.ring.length - 1];
        if (last && last.start + last.count === first) last.count += FRAMES_PER_DMA_HALF;
        else this.ring.push({ start: first, count: FRAMES_PER_DMA_HALF });
        this.held += FRAMES_PER_DMA_HALF;
      } else if (this.dropping) {
        this.dropping.lost += FRAMES_PER_DMA_HALF;
      } else {
        this.dropping = { firstLost: first, lost: FRAMES_PER_DMA_HALF };
      }
    }
  }

  /** Ends an overrun under way (reported when the ring takes data again, or at deinit). */
  endOverrun(): void {
    if (!this.dropping) return;
    this.overruns.push(this.dropping);
    this.onOverrunEnd(this.dropping);
    this.dropping = undefined;
  }

  /** Simulated time at which `frames` frames will be in the ring (now or later). */
  readyAtUs(frames: number): number {
    const missing = frames - this.held;
    if (missing <= 0) return -Infinity;
    return this.halfDoneUs(this.nextHalf + Math.ceil(missing / FRAMES_PER_DMA_HALF) - 1);
  }

  /** Takes `frames` frames out of the ring (the caller waited for readyAtUs) as readinto bytes. */
  take(frames: number, into: Uint8Array): void {
    if (frames > this.held) throw new Error(`take ${frames} frames with ${this.held} in the ring`);
    const view = new DataView(into.buffer, into.byteOffset, into.byteLength);
    let at = 0;
    let left = frames;
    while (left > 0) {
      const run = this.ring[0]!;
      const count = Math.min(run.count, left);
      for (let i = 0; i < count; i++) at = this.writeFrame(view, at, run.start + i);
      run.start += count;
      run.count -= count;
      if (run.count === 0) this.ring.shift();
      left -= count;
    }
    this.held -= frames;
    this.framesRead += frames;
  }

  private writeFrame(view: DataView, at: number, n: number): number {
    const left = patternSlot(n, this.rate, this.pattern);
    // SEL low: the microphone drives the left slot; the right one reads as zeros
    const slots = this.format.stereo ? [left, 0] : [left];
    for (const slot of slots) {
      if (this.format.bits === 32) {
        view.setInt32(at, slot, true);
        at += 4;
      } else {
        view.setInt16(at, slot >> 16, true);
        at += 2;
      }
    }
    return at;
  }
}
