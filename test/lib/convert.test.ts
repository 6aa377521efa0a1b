import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioConversion } from '../../src/lib/audio/convert/conversion-options';
import { createConverter } from '../../src/lib/audio/convert/converter';
import { AudioFormat } from '../../src/lib/audio/format';

const s16 = (channels: number): AudioFormat => ({ sampleRate: 48000, channels, bitDepth: 16, encoding: 'signed' });
const s24 = (channels: number): AudioFormat => ({ sampleRate: 48000, channels, bitDepth: 24, encoding: 'signed' });
const s32 = (channels: number): AudioFormat => ({ sampleRate: 48000, channels, bitDepth: 32, encoding: 'signed' });
const f32 = (channels: number): AudioFormat => ({ sampleRate: 48000, channels, bitDepth: 32, encoding: 'float' });
const u8 = (channels: number): AudioFormat => ({ sampleRate: 8000, channels, bitDepth: 8, encoding: 'unsigned' });

/** Little-endian signed integers of `bytes` bytes each (2, 3 or 4). */
function ints(bytes: number, values: number[]): Buffer {
  const pcm = Buffer.alloc(values.length * bytes);
  values.forEach((value, i) => pcm.writeIntLE(value, i * bytes, bytes));
  return pcm;
}

function readInts(bytes: number, pcm: Buffer): number[] {
  return Array.from({ length: pcm.length / bytes }, (_, i) => pcm.readIntLE(i * bytes, bytes));
}

function floats(values: number[]): Buffer {
  const pcm = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => pcm.writeFloatLE(value, i * 4));
  return pcm;
}

function readFloats(pcm: Buffer): number[] {
  return Array.from({ length: pcm.length / 4 }, (_, i) => pcm.readFloatLE(i * 4));
}

function convert(input: AudioFormat, options: AudioConversion, pcm: Buffer): Buffer {
  return createConverter(input, options).convert(pcm);
}

/** The same bytes, starting one byte into a larger buffer, so no typed-array view can sit on them. */
function misaligned(pcm: Buffer): Buffer {
  const backing = Buffer.alloc(pcm.length + 1);
  pcm.copy(backing, 1);
  return backing.subarray(1);
}

describe('bit depth conversion', () => {
  it('rounds 32-bit integers to 16 bits to nearest, ties to even, and clips at both ends', () => {
    const input = [
      0x0001_7fff, // 1.49998 -> 1
      0x0001_8000, // 1.5 -> 2 (tie, to even)
      0x0002_8000, // 2.5 -> 2 (tie, to even)
      0x0001_8001, // 1.50002 -> 2
      0x0000_8000, // 0.5 -> 0 (tie)
      -0x0000_8000, // -0.5 -> 0 (tie)
      -0x0001_8000, // -1.5 -> -2 (tie)
      -0x0002_8000, // -2.5 -> -2 (tie)
      0x7ffe_8000, // 32766.5 -> 32766 (tie)
      0x7fff_8000, // 32767.5 -> 32768 (tie) -> clipped to 32767
      0x7fff_ffff, // largest -> 32767
      -0x8000_0000, // smallest -> -32768 exactly
    ];
    const out = convert(s32(1), { bitDepth: 16 }, ints(4, input));
    assert.deepEqual(readInts(2, out), [1, 2, 2, 2, 0, 0, -2, -2, 32766, 32767, 32767, -32768]);
  });

  it('rounds 32-bit integers to packed 24 bits the same way', () => {
    const input = [0x17f, 0x180, 0x280, -0x180, -0x280, 0x7fff_ff80, 0x7fff_ffff, -0x8000_0000];
    const out = convert(s32(1), { bitDepth: 24 }, ints(4, input));
    assert.equal(out.length, input.length * 3);
    assert.deepEqual(readInts(3, out), [1, 2, 2, -2, -2, 0x7f_ffff, 0x7f_ffff, -0x80_0000]);
    assert.deepEqual([...out.subarray(0, 6)], [0x01, 0x00, 0x00, 0x02, 0x00, 0x00], 'little-endian, three bytes a sample');
  });

  it('rounds 24-bit integers to 16 bits', () => {
    const input = [0x17f, 0x180, 0x280, -0x180, -0x280, 0x7f_ff7f, 0x7f_ff80, 0x7f_ffff, -0x80_0000, -0x7f_ffff];
    const out = convert(s24(1), { bitDepth: 16 }, ints(3, input));
    assert.deepEqual(readInts(2, out), [1, 2, 2, -2, -2, 32767, 32767, 32767, -32768, -32768]);
  });

  it('scales float to 16 bits, full scale 1.0, clipping above 1.0 and below -1.0', () => {
    const step = 2 ** -15;
    const input = [0, 0.5, -0.5, 1.5 * step, 2.5 * step, -1.5 * step, 1.25 * step, 1, -1, 1.5, -2, 1e30, -1e30];
    const out = convert(f32(1), { bitDepth: 16 }, floats(input));
    assert.deepEqual(readInts(2, out), [0, 16384, -16384, 2, 2, -2, 1, 32767, -32768, 32767, -32768, 32767, -32768]);
  });

  it('scales float to 24 bits', () => {
    const step = 2 ** -23;
    const input = [0.25, 1.5 * step, 2.5 * step, -2.5 * step, 1, -1, 1.0001, -1.0001];
    const out = convert(f32(1), { bitDepth: 24 }, floats(input));
    assert.deepEqual(readInts(3, out), [0x20_0000, 2, 2, -2, 0x7f_ffff, -0x80_0000, 0x7f_ffff, -0x80_0000]);
  });

  it('reads NaN and infinite float samples as silence', () => {
    const out = convert(f32(1), { bitDepth: 16 }, floats([NaN, Infinity, -Infinity, 0.5]));
    assert.deepEqual(readInts(2, out), [0, 0, 0, 16384]);
  });

  it('names the output format: signed integers of the new depth, same rate and channels', () => {
    assert.deepEqual(createConverter(f32(2), { bitDepth: 24 }).format, s24(2));
    assert.deepEqual(createConverter(s32(3), { bitDepth: 16 }).format, s16(3));
    assert.deepEqual(createConverter({ ...s24(1), sampleRate: 44100 }, { bitDepth: 16 }).format, { ...s16(1), sampleRate: 44100 });
  });
});

describe('channel selection', () => {
  it('picks channels in the order given, repeats included', () => {
    // Sample value = 10 * frame + channel.
    const input = ints(2, [0, 1, 2, 3, 10, 11, 12, 13]);
    const out = convert(s16(4), { channels: [3, 0, 0] }, input);
    assert.deepEqual(readInts(2, out), [3, 0, 0, 13, 10, 10]);
    assert.deepEqual(createConverter(s16(4), { channels: [3, 0, 0] }).format, s16(3));
  });

  it('picks from 8-bit, packed 24-bit, 32-bit and float samples exactly', () => {
    assert.deepEqual([...convert(u8(2), { channels: [1] }, Buffer.from([0x00, 0xff, 0x80, 0x7f]))], [0xff, 0x7f]);
    const extremes24 = [0x7f_ffff, -0x80_0000, 1, -1, 0x12_3456, 0];
    assert.deepEqual(readInts(3, convert(s24(3), { channels: [2, 0] }, ints(3, extremes24))), [1, 0x7f_ffff, 0, -1]);
    const extremes32 = [0x7fff_ffff, -0x8000_0000, 0x1234_5678, -1];
    assert.deepEqual(readInts(4, convert(s32(2), { channels: [1, 0] }, ints(4, extremes32))), [-0x8000_0000, 0x7fff_ffff, -1, 0x1234_5678]);
    const values = [0.1, -0.75, 1e-30, 3.5];
    assert.deepEqual(readFloats(convert(f32(2), { channels: [1] }, floats(values))), [Math.fround(-0.75), 3.5]);
  });

  it('reads input that starts at an odd byte offset', () => {
    const pcm16 = ints(2, [1, -2, 3, -4]);
    assert.deepEqual(readInts(2, convert(s16(2), { channels: [1] }, misaligned(pcm16))), [-2, -4]);
    const pcm32 = ints(4, [0x7fff_ffff, -0x8000_0000, 5, -6]);
    assert.deepEqual(readInts(4, convert(s32(2), { channels: [1] }, misaligned(pcm32))), [-0x8000_0000, -6]);
    const pcmFloat = floats([0.25, -0.5, 0.75, -1]);
    assert.deepEqual(readFloats(convert(f32(2), { channels: [0] }, misaligned(pcmFloat))), [0.25, 0.75]);
  });

  it('converts a short chunk after a long one with nothing left over in the buffers it reuses', () => {
    const converter = createConverter(s32(2), { channels: [1] });
    readInts(4, converter.convert(misaligned(ints(4, [1, 2, 3, 4, 5, 6]))));
    assert.deepEqual(readInts(4, converter.convert(misaligned(ints(4, [7, 8])))), [8]);
  });
});

describe('downmix to mono', () => {
  it('averages 3 channels, rounding to nearest', () => {
    const frames = [
      [1, 2, 4], // 7/3 -> 2
      [1, 0, 0], // 1/3 -> 0
      [2, 1, 1], // 4/3 -> 1
      [2, 2, 1], // 5/3 -> 2
      [-1, -2, -4], // -7/3 -> -2
      [32767, 32767, 32767],
      [-32768, -32768, -32768],
      [32767, -32768, 0], // -1/3 -> 0
    ];
    const out = convert(s16(3), { channels: 'mono' }, ints(2, frames.flat()));
    assert.deepEqual(readInts(2, out), [2, 0, 1, 2, -2, 32767, -32768, 0]);
    assert.deepEqual(createConverter(s16(3), { channels: 'mono' }).format, s16(1));
  });

  it('rounds ties of a 2-channel average to even', () => {
    const out = convert(s16(2), { channels: 'mono' }, ints(2, [1, 2, 2, 3, -1, -2, -2, -3]));
    assert.deepEqual(readInts(2, out), [2, 2, -2, -2]);
  });

  it('rounds once, after averaging at full precision, when the depth is cut too', () => {
    // In 16-bit steps: (0.59999 + 0.59999 + 0) / 3 -> 0, where rounding each channel first gives 2/3 -> 1;
    // (0 + 1.5 + 3) / 3 = 1.5 and (0 + 2.5 + 5) / 3 = 2.5 are ties, both to 2.
    const input = [0x9999, 0x9999, 0, 0, 0x1_8000, 0x3_0000, 0, 0x2_8000, 0x5_0000];
    const out = convert(s32(3), { channels: 'mono', bitDepth: 16 }, ints(4, input));
    assert.deepEqual(readInts(2, out), [0, 2, 2]);
  });

  it('averages unsigned 8-bit around 0x80 and float as stored', () => {
    const out8 = convert(u8(3), { channels: 'mono' }, Buffer.from([0x80 + 10, 0x80 + 20, 0x80 - 30, 0xff, 0xff, 0xfe, 0, 0, 1]));
    assert.deepEqual([...out8], [0x80, 0xff, 0]);
    const outFloat = convert(f32(3), { channels: 'mono' }, floats([1, 1, 0.5, 3, -6, 0]));
    assert.deepEqual(readFloats(outFloat), [Math.fround(2.5 / 3), -1]);
  });
});

describe('no conversion', () => {
  const pcm = ints(2, [1, 2, 3, 4]);
  for (const [what, options] of [
    ['no option', {}],
    ['every channel in order', { channels: [0, 1] }],
    ['options left undefined', { channels: undefined, bitDepth: undefined, dcBlockHz: undefined }],
  ] as const) {
    it(`hands back the very same buffer with ${what}`, () => {
      const converter = createConverter(s16(2), options);
      assert.equal(converter.convert(pcm), pcm);
      assert.deepEqual(converter.format, s16(2));
    });
  }

  it('hands back the same buffer for mono of a mono input', () => {
    const mono = ints(2, [5, 6]);
    assert.equal(createConverter(s16(1), { channels: 'mono' }).convert(mono), mono);
  });
});

describe('validBits of the output', () => {
  const sph0645 = { ...s32(2), validBits: 18 };
  const validBitsAfter = (options: AudioConversion): number | undefined => createConverter(sph0645, options).format.validBits;

  it('keeps them where samples are only moved, and drops them where the output fills every bit', () => {
    assert.equal(validBitsAfter({ channels: [1] }), 18);
    assert.equal(validBitsAfter({ bitDepth: 24 }), 18);
    assert.equal(validBitsAfter({ bitDepth: 16 }), undefined, '18 > 16: all 16 bits are significant');
    assert.equal(validBitsAfter({ dcBlockHz: 10 }), undefined);
    assert.equal(validBitsAfter({ channels: 'mono' }), undefined);
    assert.equal(createConverter({ ...f32(1), validBits: 24 }, { bitDepth: 16 }).format.validBits, undefined);
  });
});

describe('validation', () => {
  const rejects = (input: AudioFormat, options: unknown, message: RegExp): void => {
    assert.throws(
      () => createConverter(input, options as AudioConversion),
      (err: unknown) => err instanceof RangeError && message.test(err.message),
    );
  };

  it('rejects a bad input format', () => {
    rejects({ ...s16(2), channels: 0 }, {}, /^input format: channels must be/);
  });

  it('rejects options that are not an object, and options it does not know', () => {
    rejects(s16(2), null, /conversion options must be an object, got null/);
    rejects(s16(2), { bitdepth: 16 }, /unknown conversion option 'bitdepth' \(expected channels, bitDepth, dcBlockHz\)/);
  });

  it('rejects channel lists that do not fit the input', () => {
    rejects(s16(8), { channels: 'stereo' }, /channels must be 'mono' or a list of channel indexes, got "stereo"/);
    rejects(s16(8), { channels: [] }, /channels must list at least one channel/);
    rejects(s16(8), { channels: new Array<number>(33).fill(0) }, /channels lists 33 channels, more than the 32/);
    rejects(s16(8), { channels: [0, 8] }, /channels\[1\] must be a channel index from 0 to 7 \(the input has 8\), got 8/);
    rejects(s16(8), { channels: [-1] }, /channels\[0\] must be a channel index .* got -1/);
    rejects(s16(8), { channels: [0, 1, 1.5] }, /channels\[2\] .* got 1.5/);
    rejects(s16(8), { channels: ['1'] }, /channels\[0\] .* got "1"/);
  });

  it('rejects a bit depth that is not 16 or 24, or not smaller than the input', () => {
    rejects(s32(1), { bitDepth: 8 }, /bitDepth must be 16 or 24, got 8/);
    rejects(s32(1), { bitDepth: 32 }, /bitDepth must be 16 or 24, got 32/);
    rejects(s32(1), { bitDepth: '16' }, /bitDepth must be 16 or 24, got "16"/);
    rejects(s24(1), { bitDepth: 24 }, /bitDepth 24 must be smaller than the input's 24 bits/);
    rejects(s16(1), { bitDepth: 16 }, /bitDepth 16 must be smaller than the input's 16 bits/);
    rejects(u8(1), { bitDepth: 16 }, /bitDepth 16 must be smaller than the input's 8 bits/);
  });

  it('rejects a DC-blocker cutoff that is not above 0 and at most a tenth of the sample rate', () => {
    for (const hz of [0, -5, NaN, Infinity, '10', 4800.5]) {
      rejects(s16(1), { dcBlockHz: hz }, /dcBlockHz must be a cutoff above 0 and at most 4800 Hz/);
    }
    assert.doesNotThrow(() => createConverter(s16(1), { dcBlockHz: 4800 }));
  });

  it('rejects PCM that is not whole frames, converting or not', () => {
    const partial = Buffer.alloc(6);
    assert.throws(() => createConverter(s16(2), {}).convert(partial), /PCM of 6 bytes is not a whole number of 4-byte frames/);
    assert.throws(() => createConverter(s16(2), { channels: [1] }).convert(partial), RangeError);
  });
});
