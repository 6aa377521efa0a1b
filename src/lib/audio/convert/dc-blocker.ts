/**
 * The pole R of the DC blocker y[n] = x[n] - x[n-1] + R * y[n-1] that puts its -3 dB point
 * exactly at cutoffHz. With w = 2 pi cutoff / rate and c = cos w, the squared gain
 * (2 - 2c) / (1 - 2Rc + R^2) equals 1/2 where R^2 - 2cR + 4c - 3 = 0; the smaller root is the
 * stable one, and it stays in [0, 1) for cutoffs up to about 0.11 of the rate.
 */
export function dcBlockerPole(cutoffHz: number, sampleRate: number): number {
  const c = Math.cos((2 * Math.PI * cutoffHz) / sampleRate);
  return c - Math.sqrt((1 - c) * (3 - c));
}

/**
 * A one-pole, one-zero high-pass filter per channel, run in float64 on interleaved frames.
 * Its state carries over from one call to the next, so a stream filtered in pieces comes out
 * exactly as if filtered whole.
 */
export class DcBlocker {
  private readonly pole: number;
  private readonly previousInput: Float64Array;
  private readonly previousOutput: Float64Array;
  private primed = false;

  constructor(channels: number, cutoffHz: number, sampleRate: number) {
    this.pole = dcBlockerPole(cutoffHz, sampleRate);
    this.previousInput = new Float64Array(channels);
    this.previousOutput = new Float64Array(channels);
  }

  /** Filters the first `frames` frames of `values` in place. */
  process(values: Float64Array, frames: number): void {
    const channels = this.previousInput.length;
    if (!this.primed && frames > 0) {
      // Starts as if the input had always sat at its first value: a large offset (an SPH0645's)
      // would otherwise enter as a step and sound as a thump at the start of every recording.
      this.previousInput.set(values.subarray(0, channels));
      this.primed = true;
    }
    const end = frames * channels;
    // Two channels per pass: each output waits on the one before it (a multiply and an add),
    // and interleaving two independent channels lets the CPU overlap those waits.
    let channel = 0;
    for (; channel + 1 < channels; channel += 2) this.filterPair(values, channel, channels, end);
    if (channel < channels) this.filterOne(values, channel, channels, end);
  }

  private filterPair(values: Float64Array, channel: number, stride: number, end: number): void {
    const pole = this.pole;
    // Indexes are in range by construction; `as number` only tells the compiler so.
    let xa1 = this.previousInput[channel] as number;
    let ya1 = this.previousOutput[channel] as number;
    let xb1 = this.previousInput[channel + 1] as number;
    let yb1 = this.previousOutput[channel + 1] as number;
    for (let i = channel; i < end; i += stride) {
      const xa = values[i] as number;
      const xb = values[i + 1] as number;
      ya1 = xa - xa1 + pole * ya1;
      yb1 = xb - xb1 + pole * yb1;
      xa1 = xa;
      xb1 = xb;
      values[i] = ya1;
      values[i + 1] = yb1;
    }
    this.previousInput[channel] = xa1;
    this.previousOutput[channel] = ya1;
    this.previousInput[channel + 1] = xb1;
    this.previousOutput[channel + 1] = yb1;
  }

  private filterOne(values: Float64Array, channel: number, stride: number, end: number): void {
    const pole = this.pole;
    let x1 = this.previousInput[channel] as number;
    let y1 = this.previousOutput[channel] as number;
    for (let i = channel; i < end; i += stride) {
      const x = values[i] as number;
      y1 = x - x1 + pole * y1;
      x1 = x;
      values[i] = y1;
    }
    this.previousInput[channel] = x1;
    this.previousOutput[channel] = y1;
  }
}
