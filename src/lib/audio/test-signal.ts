import { AudioFormat, bytesPerFrame } from './format';
import { sampleWriter } from './samples';

export type TestWaveform = 'sine' | 'noise';

export interface TestSignalOptions {
  waveform: TestWaveform;
  /** Sine frequency in Hz. */
  frequency: number;
  /** Peak level of the signal, in dBFS (<= 0). */
  levelDbfs: number;
}

/** Describes the signal for `msg.audio.source.device`, so nobody mistakes it for a microphone. */
export function describeTestSignal(options: TestSignalOptions): string {
  const what = options.waveform === 'sine' ? `sine ${options.frequency} Hz` : 'white noise';
  return `test signal: ${what} at ${options.levelDbfs} dBFS`;
}

/**
 * Generates a continuous test signal, the same on every channel for a sine and independent
 * per sample for noise. Consecutive calls continue the waveform without a discontinuity.
 */
export class TestSignalGenerator {
  private readonly write;
  private readonly amplitude: number;
  private readonly phaseStep: number;
  private phase = 0;
  private noiseState = 0x2545f491;

  constructor(
    private readonly format: AudioFormat,
    private readonly options: TestSignalOptions,
  ) {
    this.write = sampleWriter(format);
    this.amplitude = 10 ** (Math.min(0, options.levelDbfs) / 20);
    this.phaseStep = (2 * Math.PI * options.frequency) / format.sampleRate;
  }

  next(frames: number): Buffer {
    const { channels } = this.format;
    const pcm = Buffer.allocUnsafe(frames * bytesPerFrame(this.format));
    for (let frame = 0; frame < frames; frame++) {
      if (this.options.waveform === 'sine') {
        const value = this.amplitude * Math.sin(this.phase);
        this.phase += this.phaseStep;
        // Keeps the phase small so precision does not drift over hours of signal.
        if (this.phase >= 2 * Math.PI) this.phase -= 2 * Math.PI;
        for (let ch = 0; ch < channels; ch++) this.write(pcm, frame * channels + ch, value);
      } else {
        for (let ch = 0; ch < channels; ch++) this.write(pcm, frame * channels + ch, this.amplitude * this.nextNoise());
      }
    }
    return pcm;
  }

  /** Uniform noise in [-1, 1) from a xorshift32 generator: fast, and repeatable for tests. */
  private nextNoise(): number {
    let x = this.noiseState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.noiseState = x >>> 0;
    return this.noiseState / 0x8000_0000 - 1;
  }
}
