import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioConversion, DEFAULT_DC_BLOCK_HZ } from '../../src/lib/audio/convert/conversion-options';
import { createConverter } from '../../src/lib/audio/convert/converter';
import { dcBlockerPole } from '../../src/lib/audio/convert/dc-blocker';
import { AudioFormat, bytesPerFrame } from '../../src/lib/audio/format';
import { TestSignalGenerator } from '../../src/lib/audio/test-signal';

const RATE = 48000;
const s16: AudioFormat = { sampleRate: RATE, channels: 1, bitDepth: 16, encoding: 'signed' };
const f32: AudioFormat = { sampleRate: RATE, channels: 1, bitDepth: 32, encoding: 'float' };

/** The cutoff whose pole is exactly 1/2 (cos w = 11/12), so responses can be worked out by hand. */
const HALF_POLE_HZ = (RATE * Math.acos(11 / 12)) / (2 * Math.PI);

function int16s(values: number[]): Buffer {
  const pcm = Buffer.alloc(values.length * 2);
  values.forEach((value, i) => pcm.writeInt16LE(value, i * 2));
  return pcm;
}

function readInt16s(pcm: Buffer): number[] {
  return Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));
}

function floats(values: ArrayLike<number>): Buffer {
  const pcm = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) pcm.writeFloatLE(values[i]!, i * 4);
  return pcm;
}

function readFloats(pcm: Buffer): number[] {
  return Array.from({ length: pcm.length / 4 }, (_, i) => pcm.readFloatLE(i * 4));
}

function sine(frequency: number, amplitude: number, samples: number): number[] {
  return Array.from({ length: samples }, (_, n) => amplitude * Math.sin((2 * Math.PI * frequency * n) / RATE));
}

function rms(values: number[]): number {
  return Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);
}

/** Gain in dB of the filter for a sine, measured over the second after `settleSeconds`, in whole periods. */
function measuredGainDb(frequency: number, cutoffHz: number, settleSeconds: number): number {
  const settle = settleSeconds * RATE;
  const input = sine(frequency, 0.5, settle + RATE);
  const output = readFloats(createConverter(f32, { dcBlockHz: cutoffHz }).convert(floats(input)));
  return 20 * Math.log10(rms(output.slice(settle)) / rms(input.slice(settle)));
}

describe('DC blocker', () => {
  it('follows y[n] = x[n] - x[n-1] + R y[n-1], starting from the first sample as if it had always been there', () => {
    // R = 1/2. Frame 0 primes the filter (output 0); a step of 1024 then halves away, and the
    // step back down comes out as -1024 plus the half of 64 still decaying.
    const input = [100, 100, 1124, 1124, 1124, 1124, 1124, 100, 100, 100];
    const out = createConverter(s16, { dcBlockHz: HALF_POLE_HZ }).convert(int16s(input));
    assert.deepEqual(readInt16s(out), [0, 0, 1024, 512, 256, 128, 64, -992, -496, -248]);
  });

  it('puts the -3 dB point at the cutoff', () => {
    const w = (2 * Math.PI * 20) / RATE;
    const pole = dcBlockerPole(20, RATE);
    const gainSquared = (2 - 2 * Math.cos(w)) / (1 - 2 * pole * Math.cos(w) + pole * pole);
    assert.ok(Math.abs(gainSquared - 0.5) < 1e-9, String(gainSquared));
    // 20 Hz is 2400 samples a period: one second is 20 whole periods. Settled after 2 s (time constant 8 ms).
    const gainDb = measuredGainDb(20, 20, 2);
    assert.ok(Math.abs(gainDb - -3.0103) < 0.01, `${gainDb} dB`);
  });

  it(`passes a 1 kHz sine at 48 kHz within 0.1 dB at the default ${DEFAULT_DC_BLOCK_HZ} Hz cutoff`, () => {
    // Theory says +0.005 dB (this filter's gain creeps above 1 on the way up to 2 / (1 + R) at
    // Nyquist); 0.1 dB is the requirement.
    const gainDb = measuredGainDb(1000, DEFAULT_DC_BLOCK_HZ, 1);
    assert.ok(Math.abs(gainDb) < 0.1, `${gainDb} dB`);
  });

  it('removes the DC offset of an SPH0645-like signal: 18 bits in 32, offset by -3000 16-bit steps', () => {
    const format: AudioFormat = { sampleRate: RATE, channels: 1, bitDepth: 32, encoding: 'signed', validBits: 18 };
    const counts18 = sine(1000, 20000, 2 * RATE).map((value) => Math.round(value) - 12000);
    const pcm = Buffer.alloc(counts18.length * 4);
    counts18.forEach((count, i) => pcm.writeInt32LE(count * 2 ** 14, i * 4));
    const out = readInt16s(createConverter(format, { dcBlockHz: DEFAULT_DC_BLOCK_HZ, bitDepth: 16 }).convert(pcm));

    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    const lastSecond = (values: number[]): number[] => values.slice(RATE);
    assert.ok(Math.abs(mean(lastSecond(counts18)) / 4 + 3000) < 1, 'the offset is there to remove');
    // After 1 s (62 time constants, the start transient is below 1e-27 of its size) the filter's
    // zero gain at DC leaves only the sine, which sums to 0 over the 1000 whole periods of the last
    // second. What remains is the mean of the rounding errors, each within half a step: |mean| <= 0.5.
    const residual = mean(lastSecond(out));
    assert.ok(Math.abs(residual) <= 0.5, `mean ${residual}`);
  });

  it('outputs silence for a constant input, from the first sample on', () => {
    const out = createConverter(s16, { dcBlockHz: DEFAULT_DC_BLOCK_HZ }).convert(int16s(new Array<number>(100).fill(-20000)));
    assert.deepEqual(readInt16s(out), new Array<number>(100).fill(0));
    const u8: AudioFormat = { sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' };
    const out8 = createConverter(u8, { dcBlockHz: DEFAULT_DC_BLOCK_HZ }).convert(Buffer.alloc(10, 0xf0));
    assert.deepEqual([...out8], new Array<number>(10).fill(0x80));
  });

  it('clips integer output at both ends, but not float output', () => {
    // R = 1/2: 0, +65535, 0 + 32767.5, -65535 + 16383.75.
    const out = createConverter(s16, { dcBlockHz: HALF_POLE_HZ }).convert(int16s([-32768, 32767, 32767, -32768]));
    assert.deepEqual(readInt16s(out), [0, 32767, 32767, -32768]);
    const outFloat = createConverter(f32, { dcBlockHz: HALF_POLE_HZ }).convert(floats([-1, 1, 1, -1]));
    assert.deepEqual(readFloats(outFloat), [0, 2, 1, -1.5]);
  });

  it('reads a NaN as silence, so it does not poison the filter', () => {
    // R = 1/2, primed at 0.25: 0; 0 - 0.25 = -0.25; 0.25 - 0 - 0.125; 0 + 0.0625.
    const out = createConverter(f32, { dcBlockHz: HALF_POLE_HZ }).convert(floats([0.25, NaN, 0.25, 0.25]));
    assert.deepEqual(readFloats(out), [0, -0.25, 0.125, 0.0625]);
  });

  it('filters each channel with its own state, a repeated channel identically', () => {
    const stereo: AudioFormat = { ...s16, channels: 2 };
    const input = int16s([100, 0, 1124, 0, 1124, 1000, 1124, 1000]);
    const out = createConverter(stereo, { dcBlockHz: HALF_POLE_HZ, channels: [0, 1, 0] }).convert(input);
    assert.deepEqual(readInt16s(out), [0, 0, 0, 1024, 0, 1024, 512, 1000, 512, 256, 500, 256]);
  });
});

describe('conversion across buffer boundaries', () => {
  /** Frame counts from a fixed xorshift sequence, 0 to 499, so the pieces are arbitrary yet repeatable. */
  function pieceSizes(totalFrames: number): number[] {
    const sizes: number[] = [0];
    let state = 0x1234_5678;
    for (let left = totalFrames; left > 0; ) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const size = Math.min(left, (state >>> 0) % 500);
      sizes.push(size);
      left -= size;
    }
    return sizes;
  }

  const cases: { input: AudioFormat; options: AudioConversion }[] = [
    { input: { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' }, options: { channels: [0, 3], bitDepth: 16, dcBlockHz: 10 } },
    { input: { sampleRate: 44100, channels: 3, bitDepth: 24, encoding: 'signed' }, options: { channels: 'mono', dcBlockHz: 15 } },
    { input: { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'float' }, options: { bitDepth: 24, dcBlockHz: 20 } },
    { input: { sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' }, options: { dcBlockHz: 100 } },
  ];

  for (const { input, options } of cases) {
    it(`gives the same bytes whole or in pieces: ${input.bitDepth}-bit ${input.encoding} ${input.channels} ch, ${JSON.stringify(options)}`, () => {
      const frames = 20000;
      const pcm = new TestSignalGenerator(input, { waveform: 'noise', frequency: 0, levelDbfs: -3 }).next(frames);
      const whole = createConverter(input, options).convert(pcm);

      const converter = createConverter(input, options);
      const frameBytes = bytesPerFrame(input);
      const pieces: Buffer[] = [];
      let at = 0;
      for (const size of pieceSizes(frames)) {
        pieces.push(converter.convert(pcm.subarray(at * frameBytes, (at + size) * frameBytes)));
        at += size;
      }
      assert.ok(pieces.length > 50, 'split into many pieces');
      assert.equal(Buffer.compare(Buffer.concat(pieces), whole), 0);
    });
  }
});
