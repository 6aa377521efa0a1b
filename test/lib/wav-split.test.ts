import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AudioFormat, bytesPerFrame } from '../../src/lib/audio/format';
import { framesPerPart, readWavInfo, RIFF_LIMIT, WavRecordingWriter, wavLayout } from '../../src/lib/wav';
import { pcmPattern } from '../support/pcm-pattern';
import { waitFor } from '../support/wait';
import { soxDecode, soxInfo } from '../support/wav-readers';

const FAT32_MAX_FILE_BYTES = 4 * 1024 ** 3 - 1;
const STEREO_16: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };

describe('framesPerPart', () => {
  it('fills a FAT32 file (4 GiB - 1) to the last whole frame', () => {
    const cases: [AudioFormat, number][] = [
      // (4294967295 - 80) / 4 = 1073741803.75: 6 h 12 min 49 s at 48 kHz
      [STEREO_16, 1_073_741_803],
      // (4294967295 - 104) / 32 = 134217724.7: 23 min 18 s at 96 kHz
      [{ sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' }, 134_217_724],
      [{ sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'float' }, 134_217_724],
      // (4294967295 - 104) / 9 = 477218576.8 (odd-sized frames)
      [{ sampleRate: 44100, channels: 3, bitDepth: 24, encoding: 'signed' }, 477_218_576],
      // (4294967295 - 80) / 1
      [{ sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' }, 4_294_967_215],
    ];
    for (const [format, frames] of cases) {
      const { headerBytes } = wavLayout(format);
      const frameBytes = bytesPerFrame(format);
      assert.equal(framesPerPart(format, FAT32_MAX_FILE_BYTES), frames, JSON.stringify(format));
      assert.ok(headerBytes + frames * frameBytes <= FAT32_MAX_FILE_BYTES);
      assert.ok(headerBytes + (frames + 1) * frameBytes > FAT32_MAX_FILE_BYTES);
      assert.ok(headerBytes - 8 + frames * frameBytes <= RIFF_LIMIT, 'a plain RIFF size holds it');
    }
  });

  it('never lets a part need RF64, even when the filesystem allows bigger files', () => {
    // exFAT/ext4 limits are far above 4 GiB; parts still end where the RIFF size field does.
    assert.equal(framesPerPart(STEREO_16, 2 ** 40), Math.floor((RIFF_LIMIT + 8 - 80) / 4));
    assert.equal(framesPerPart(STEREO_16, 10_000, 72 + 400), 100);
  });

  it('refuses a limit with no room for a frame', () => {
    assert.throws(() => framesPerPart(STEREO_16, 83), RangeError);
    assert.equal(framesPerPart(STEREO_16, 84), 1);
    assert.throws(() => framesPerPart(STEREO_16, 1.5e3 + 0.5), RangeError);
    assert.throws(() => new WavRecordingWriter('/nonexistent/x.wav', STEREO_16, { maxFileBytes: 50 }), RangeError);
  });
});

describe('WavRecordingWriter', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-split-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The PCM of all parts, joined in order, as read from disk. */
  async function joinedPcm(paths: string[]): Promise<Buffer> {
    const pieces = await Promise.all(
      paths.map(async (path) => {
        const info = await readWavInfo(path);
        return (await readFile(path)).subarray(info.dataOffset, info.dataOffset + info.dataBytes);
      }),
    );
    return Buffer.concat(pieces);
  }

  it('splits at the exact frame, inside appended buffers, losing and repeating nothing', async () => {
    const format: AudioFormat = { sampleRate: 44100, channels: 3, bitDepth: 24, encoding: 'signed' };
    const maxFileBytes = 104 + 9 * 100 + 8; // room for 100.9 frames: 100 per part
    const path = join(dir, 'take.wav');
    const writer = new WavRecordingWriter(path, format, { maxFileBytes });
    const pcm = pcmPattern(format, 0, 1234);
    // Buffers of 37, 250 (spans three parts), 1, 13, 533 (spans six) ... frames.
    let frame = 0;
    for (const count of [37, 250, 1, 13, 533, 400]) {
      writer.append(pcm.subarray(frame * 9, Math.min(frame + count, 1234) * 9));
      frame = Math.min(frame + count, 1234);
    }
    assert.equal(writer.framesAppended, 1234);
    const summary = await writer.finalize();

    const expectedPaths = [path, ...Array.from({ length: 12 }, (_, i) => join(dir, `take-part${i + 2}.wav`))];
    assert.deepEqual(summary.paths, expectedPaths);
    assert.deepEqual(writer.paths, expectedPaths);
    assert.deepEqual(summary.parts.map((part) => part.frames), [...Array(12).fill(100), 34]);
    assert.deepEqual(
      { frames: summary.frames, dataBytes: summary.dataBytes, fileBytes: summary.fileBytes, container: summary.container },
      { frames: 1234, dataBytes: 1234 * 9, fileBytes: 13 * 104 + 1234 * 9, container: 'wav' },
    );
    for (const part of summary.parts) {
      assert.ok((await stat(part.path)).size <= maxFileBytes, part.path);
      assert.equal((await readWavInfo(part.path)).dataBytes, part.frames * 9, part.path);
    }
    assert.equal((await soxInfo(path)).frames, 100);
    assert.equal((await soxInfo(join(dir, 'take-part13.wav'))).frames, 34);
    assert.ok((await joinedPcm(summary.paths)).equals(pcm));
    const soxJoined = Buffer.concat(await Promise.all(summary.paths.map(async (p) => (await soxDecode(p)).pcm)));
    assert.ok(soxJoined.equals(pcm), 'sox decodes the same joined PCM');
  });

  it('opens no empty part when the data ends exactly at a part boundary', async () => {
    const path = join(dir, 'exact.wav');
    const writer = new WavRecordingWriter(path, STEREO_16, { maxFileBytes: 80 + 400 });
    const pcm = pcmPattern(STEREO_16, 0, 200);
    writer.append(pcm);
    const summary = await writer.finalize();
    assert.deepEqual(summary.parts.map((part) => part.frames), [100, 100]);
    await assert.rejects(stat(join(dir, 'exact-part3.wav')), { code: 'ENOENT' });
    assert.ok((await joinedPcm(summary.paths)).equals(pcm));
  });

  it('finalizes each part as soon as it is full', async () => {
    const path = join(dir, 'early.wav');
    const writer = new WavRecordingWriter(path, STEREO_16, { maxFileBytes: 80 + 400, refreshIntervalMs: 0 });
    writer.append(pcmPattern(STEREO_16, 0, 150));
    // Part 1 is complete on disk while the recording goes on.
    await waitFor(async () => ((await readWavInfo(path).catch(() => undefined))?.dataBytes === 400 ? true : undefined), 'part 1 to be finalized');
    assert.equal((await soxInfo(path)).frames, 100);
    assert.deepEqual(writer.paths, [path, join(dir, 'early-part2.wav')]);
    await writer.finalize();
  });

  it('names parts with partPath when given', async () => {
    const path = join(dir, 'named.wav');
    const writer = new WavRecordingWriter(path, STEREO_16, {
      maxFileBytes: 80 + 400,
      partPath: (n) => join(dir, `named.${String(n).padStart(3, '0')}.wav`),
    });
    writer.append(pcmPattern(STEREO_16, 0, 250));
    const summary = await writer.finalize();
    assert.deepEqual(summary.paths, [path, join(dir, 'named.002.wav'), join(dir, 'named.003.wav')]);
  });

  it('without maxFileBytes writes one file and goes RF64 past the RIFF limit', async () => {
    const path = join(dir, 'single.wav');
    const writer = new WavRecordingWriter(path, STEREO_16, { riffLimit: 72 + 400 });
    const pcm = pcmPattern(STEREO_16, 0, 1000);
    writer.append(pcm);
    const summary = await writer.finalize();
    assert.deepEqual([summary.paths, summary.container, summary.frames], [[path], 'rf64', 1000]);
    assert.equal((await readWavInfo(path)).container, 'rf64');
    assert.ok((await soxDecode(path)).pcm.equals(pcm));
  });

  it('reports the first failure once, stops taking data, and finalize rejects for the part it could not write', async () => {
    const path = join(dir, 'blocked.wav');
    await writeFile(join(dir, 'blocked-part2.wav'), 'in the way');
    const errors: Error[] = [];
    const writer = new WavRecordingWriter(path, STEREO_16, { maxFileBytes: 80 + 400, onError: (err) => errors.push(err) });
    writer.append(pcmPattern(STEREO_16, 0, 150));
    await waitFor(() => (errors.length > 0 ? true : undefined), 'part 2 to fail');
    writer.append(pcmPattern(STEREO_16, 150, 500));
    assert.deepEqual(writer.paths, [path, join(dir, 'blocked-part2.wav')], 'no part 3 after the failure');
    await assert.rejects(writer.finalize(), { code: 'EEXIST' });
    assert.equal(errors.length, 1);
    assert.equal((await readWavInfo(path)).dataBytes, 400, 'part 1 is complete');
    assert.equal(await readFile(join(dir, 'blocked-part2.wav'), 'latin1'), 'in the way');
  });

  it('throws for torn appends and appends after finalize', async () => {
    const writer = new WavRecordingWriter(join(dir, 'misuse.wav'), STEREO_16, { maxFileBytes: 80 + 400 });
    assert.throws(() => writer.append(Buffer.alloc(3)), RangeError);
    assert.equal(writer.framesAppended, 0);
    writer.append(Buffer.alloc(4));
    await writer.finalize();
    assert.throws(() => writer.append(Buffer.alloc(4)), /after finalize/);
  });
});
