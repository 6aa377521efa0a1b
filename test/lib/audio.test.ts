import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioFormat, bytesPerFrame, describeFormat, formatProblem } from '../../src/lib/audio/format';
import { measureLevel, SILENCE_DBFS } from '../../src/lib/audio/level';
import { sampleEncoding } from '../../src/lib/audio/sample-format-names';
import { sampleWriter, silence } from '../../src/lib/audio/samples';
import { sampleReader } from '../support/sample-reader';
import { TestSignalGenerator } from '../../src/lib/audio/test-signal';

const formats: AudioFormat[] = [
  { sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' },
  { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' },
  { sampleRate: 44100, channels: 3, bitDepth: 24, encoding: 'signed' },
  { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' },
  { sampleRate: 22050, channels: 1, bitDepth: 32, encoding: 'float' },
];

describe('format', () => {
  it('accepts every supported format', () => {
    for (const format of formats) assert.equal(formatProblem(format), undefined, describeFormat(format));
  });

  it('names what is wrong with a bad format', () => {
    assert.match(formatProblem({ ...formats[1], sampleRate: 0 })!, /sampleRate/);
    assert.match(formatProblem({ ...formats[1], channels: 33 })!, /channels/);
    assert.match(formatProblem({ ...formats[1], bitDepth: 12 })!, /bitDepth/);
    assert.match(formatProblem({ ...formats[1], encoding: 'float' })!, /16-bit samples must be signed/);
    assert.match(formatProblem({ ...formats[0], encoding: 'signed' })!, /8-bit samples must be unsigned/);
    assert.match(formatProblem({ ...formats[3], validBits: 33 })!, /validBits/);
    assert.match(formatProblem(null)!, /object/);
  });

  it('computes frame sizes and short descriptions', () => {
    assert.deepEqual(formats.map(bytesPerFrame), [1, 4, 9, 32, 4]);
    assert.equal(describeFormat(formats[3]!), '96k 32b 8ch');
    assert.equal(describeFormat(formats[4]!), '22.1k 32f 1ch');
  });

  it('maps ALSA sample format names to bit depth and encoding', () => {
    assert.deepEqual(sampleEncoding('U8'), { bitDepth: 8, encoding: 'unsigned' });
    assert.deepEqual(sampleEncoding('S24_3LE'), { bitDepth: 24, encoding: 'signed' });
    assert.deepEqual(sampleEncoding('FLOAT_LE'), { bitDepth: 32, encoding: 'float' });
    assert.throws(() => sampleEncoding('S20_LE'), /S16_LE/);
  });
});

describe('samples', () => {
  it('round-trips values through every format within one step, and clips at full scale', () => {
    for (const format of formats) {
      const write = sampleWriter(format);
      const read = sampleReader(format);
      const buf = Buffer.alloc(bytesPerFrame(format) / format.channels);
      const step = format.encoding === 'float' ? 1e-7 : 2 / 2 ** format.bitDepth;
      for (const value of [-1, -0.5, 0, 0.25, 0.999]) {
        write(buf, 0, value);
        assert.ok(Math.abs(read(buf, 0) - value) <= step, `${describeFormat(format)} ${value}`);
      }
      if (format.encoding !== 'float') {
        write(buf, 0, 1.5);
        assert.ok(read(buf, 0) < 1 && read(buf, 0) > 1 - 2 * step, 'positive overload clips to the largest value');
        write(buf, 0, -1.5);
        assert.equal(read(buf, 0), -1);
      }
    }
  });

  it('makes silence that reads as zero, 0x80 for unsigned 8-bit', () => {
    assert.deepEqual([...silence(formats[0]!, 3)], [0x80, 0x80, 0x80]);
    assert.ok(silence(formats[2]!, 2).every((b) => b === 0));
  });
});

describe('level', () => {
  it('reads a full-scale sine (36 samples a cycle, so its crest is sampled) as 0 dBFS peak and -3 dBFS RMS', () => {
    const format = formats[4]!;
    const generator = new TestSignalGenerator(format, { waveform: 'sine', frequency: 612.5, levelDbfs: 0 });
    const level = measureLevel(generator.next(22050), format)!;
    assert.ok(Math.abs(level.peakDbfs) < 0.01, String(level.peakDbfs));
    assert.ok(Math.abs(level.rmsDbfs + 3.01) < 0.01, String(level.rmsDbfs));
  });

  it('reads digital silence as the floor, not -Infinity', () => {
    assert.deepEqual(measureLevel(silence(formats[0]!, 10), formats[0]!), { peakDbfs: SILENCE_DBFS, rmsDbfs: SILENCE_DBFS });
    assert.equal(measureLevel(Buffer.alloc(0), formats[1]!), undefined);
  });

  it('finds the peak and counts the square of an odd last sample, of either sign', () => {
    const mono16 = { sampleRate: 8000, channels: 1, bitDepth: 16, encoding: 'signed' } as const;
    for (const last of [-16384, 16384]) {
      const pcm = Buffer.alloc(6);
      pcm.writeInt16LE(last, 4);
      const level = measureLevel(pcm, mono16)!;
      assert.ok(Math.abs(level.peakDbfs + 6.02) < 0.01, String(level.peakDbfs));
      assert.ok(Math.abs(level.rmsDbfs - (20 * Math.log10(Math.sqrt(1 / 3) / 2))) < 0.01, String(level.rmsDbfs));
    }
  });
});

describe('test signal', () => {
  it('produces the configured level and frequency on every channel, continuous across calls', () => {
    const format = formats[1]!;
    const generator = new TestSignalGenerator(format, { waveform: 'sine', frequency: 1000, levelDbfs: -12 });
    const pcm = Buffer.concat([generator.next(1000), generator.next(47000)]);
    const read = sampleReader(format);
    let crossings = 0;
    let peak = 0;
    for (let frame = 1; frame < 48000; frame++) {
      const left = read(pcm, frame * 2);
      assert.equal(left, read(pcm, frame * 2 + 1));
      if (read(pcm, (frame - 1) * 2) < 0 && left >= 0) crossings++;
      peak = Math.max(peak, Math.abs(left));
    }
    assert.ok(Math.abs(crossings - 1000) <= 1, `${crossings} rising zero crossings in 1 s`);
    assert.ok(Math.abs(20 * Math.log10(peak) + 12) < 0.05);
  });

  it('makes noise that is not silent and stays below its level', () => {
    const format = formats[3]!;
    const generator = new TestSignalGenerator(format, { waveform: 'noise', frequency: 0, levelDbfs: -6 });
    const level = measureLevel(generator.next(4800), format)!;
    assert.ok(level.peakDbfs <= -6 && level.peakDbfs > -6.5);
    assert.ok(level.rmsDbfs < -9 && level.rmsDbfs > -12, String(level.rmsDbfs));
  });
});

describe('level in every format', () => {
  it('reads the same level of the same signal whatever the sample format, also from an unaligned buffer', () => {
    for (const format of formats) {
      const generator = new TestSignalGenerator(format, { waveform: 'sine', frequency: format.sampleRate / 36, levelDbfs: -6 });
      const pcm = generator.next(720);
      const unaligned = Buffer.concat([Buffer.alloc(1), pcm]).subarray(1);
      for (const buffer of [pcm, unaligned]) {
        const level = measureLevel(buffer, format)!;
        assert.ok(Math.abs(level.peakDbfs + 6) < 0.1, `${describeFormat(format)} peak ${level.peakDbfs}`);
        assert.ok(Math.abs(level.rmsDbfs + 9.01) < 0.1, `${describeFormat(format)} rms ${level.rmsDbfs}`);
      }
    }
  });
});
