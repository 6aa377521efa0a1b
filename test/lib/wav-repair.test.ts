import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AudioFormat } from '../../src/lib/audio/format';
import { buildWavHeader, readWavInfo, repairWavFile, WavFormatError } from '../../src/lib/wav';
import { pcmPattern } from '../support/pcm-pattern';
import { soxDecode, soxInfo } from '../support/wav-readers';

const FORMAT: AudioFormat = { sampleRate: 44100, channels: 2, bitDepth: 24, encoding: 'signed' };
const FRAME_BYTES = 6;
const HEADER_BYTES = 104;
const FRAMES = 500;
const PCM = pcmPattern(FORMAT, 0, FRAMES);

describe('repairWavFile', () => {
  let dir: string;
  let fileNumber = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-repair-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** One of our files holding PCM (plus `tail` bytes of a torn frame), its header changed by `damage`. */
  async function interruptedFile(damage: (header: Buffer) => void, options: { container?: 'wav' | 'rf64'; tail?: number } = {}): Promise<string> {
    const path = join(dir, `${fileNumber++}.wav`);
    const header = buildWavHeader(FORMAT, PCM.length, options.container ?? 'wav');
    damage(header);
    await writeFile(path, Buffer.concat([header, PCM, pcmPattern(FORMAT, FRAMES, 1).subarray(0, options.tail ?? 0)]));
    return path;
  }

  async function assertRepairedWhole(path: string, container: 'wav' | 'rf64'): Promise<void> {
    const file = await readFile(path);
    assert.deepEqual(file.subarray(0, HEADER_BYTES), buildWavHeader(FORMAT, PCM.length, container), 'the header of a finished recording');
    assert.ok(file.subarray(HEADER_BYTES).equals(PCM), 'the PCM is untouched');
    assert.equal((await soxInfo(path)).frames, FRAMES);
    const decoded = await soxDecode(path);
    assert.equal(decoded.warnings, '');
    assert.ok(decoded.pcm.equals(PCM));
  }

  const expected = (path: string, container: 'wav' | 'rf64', changes: { changed: boolean; truncatedBytes: number }) => ({
    path,
    format: FORMAT,
    frames: FRAMES,
    dataBytes: PCM.length,
    container,
    ...changes,
  });

  const setSizes = (riffBytes: number, dataBytes: number) => (header: Buffer) => {
    header.writeUInt32LE(riffBytes, 4);
    header.writeUInt32LE(dataBytes, HEADER_BYTES - 4);
  };

  it('fixes the sizes of the placeholder header (0) to the frames on disk', async () => {
    const path = await interruptedFile(setSizes(0, 0));
    assert.deepEqual(await repairWavFile(path), expected(path, 'wav', { changed: true, truncatedBytes: 0 }));
    await assertRepairedWhole(path, 'wav');
  });

  it('fixes sizes of 0xFFFFFFFF (unknown length)', async () => {
    const path = await interruptedFile(setSizes(0xffffffff, 0xffffffff));
    assert.deepEqual(await repairWavFile(path), expected(path, 'wav', { changed: true, truncatedBytes: 0 }));
    await assertRepairedWhole(path, 'wav');
  });

  it('fixes stale sizes, smaller or larger than the data', async () => {
    for (const frames of [100, 900]) {
      const path = await interruptedFile(setSizes(HEADER_BYTES - 8 + frames * FRAME_BYTES, frames * FRAME_BYTES));
      assert.deepEqual(await repairWavFile(path), expected(path, 'wav', { changed: true, truncatedBytes: 0 }), `claimed ${frames}`);
      await assertRepairedWhole(path, 'wav');
    }
  });

  it('cuts a torn last frame', async () => {
    for (const tail of [1, 5]) {
      const path = await interruptedFile(setSizes(0, 0), { tail });
      assert.deepEqual(await repairWavFile(path), expected(path, 'wav', { changed: true, truncatedBytes: tail }), `${tail} byte tail`);
      assert.equal((await stat(path)).size, HEADER_BYTES + PCM.length);
      await assertRepairedWhole(path, 'wav');
    }
    // Even when the header already counted the torn bytes.
    const path = await interruptedFile(setSizes(HEADER_BYTES - 8 + PCM.length + 3, PCM.length + 3), { tail: 3 });
    assert.deepEqual(await repairWavFile(path), expected(path, 'wav', { changed: true, truncatedBytes: 3 }));
    await assertRepairedWhole(path, 'wav');
  });

  it('fixes an interrupted RF64 file in its ds64', async () => {
    const zeroDs64 = (header: Buffer) => header.fill(0, 20, 48);
    const path = await interruptedFile(zeroDs64, { container: 'rf64', tail: 2 });
    assert.deepEqual(await repairWavFile(path), expected(path, 'rf64', { changed: true, truncatedBytes: 2 }));
    await assertRepairedWhole(path, 'rf64');
  });

  it('leaves a good file alone', async () => {
    for (const container of ['wav', 'rf64'] as const) {
      const path = await interruptedFile(() => undefined, { container });
      const before = await stat(path, { bigint: true });
      assert.deepEqual(await repairWavFile(path), expected(path, container, { changed: false, truncatedBytes: 0 }));
      assert.equal((await stat(path, { bigint: true })).mtimeNs, before.mtimeNs, 'not written to');
      await assertRepairedWhole(path, container);
    }
    const headerOnly = join(dir, 'header-only.wav');
    await writeFile(headerOnly, buildWavHeader(FORMAT, 0, 'wav'));
    assert.deepEqual(await repairWavFile(headerOnly), { ...expected(headerOnly, 'wav', { changed: false, truncatedBytes: 0 }), frames: 0, dataBytes: 0 });
  });

  it('keeps chunks it does not know in a file from another writer', async () => {
    const fmt = buildWavHeader(FORMAT, 0, 'wav').subarray(48, 96);
    const list = Buffer.from('LIST\x0d\x00\x00\x00INFOISFT\x01\x00\x00\x00x\x00', 'latin1');
    const dataChunkHeader = Buffer.from('data\x00\x00\x00\x00', 'latin1');
    const riffHeader = Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1');
    const head = Buffer.concat([riffHeader, list, fmt, dataChunkHeader]);
    const path = join(dir, 'foreign.wav');
    await writeFile(path, Buffer.concat([head, PCM]));
    const result = await repairWavFile(path);
    assert.deepEqual([result.frames, result.changed, result.container], [FRAMES, true, 'wav']);
    const repaired = await readFile(path);
    const expectedHead = Buffer.from(head);
    expectedHead.writeUInt32LE(head.length - 8 + PCM.length, 4);
    expectedHead.writeUInt32LE(PCM.length, head.length - 4);
    assert.deepEqual(repaired.subarray(0, head.length), expectedHead);
    assert.ok((await soxDecode(path)).pcm.equals(PCM));
  });

  describe('past 4 GiB (sparse files: no disk used)', () => {
    const DATA_BYTES = 5_000_000_004; // whole 6-byte frames
    const STEREO_16: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };

    async function sparseFile(name: string, header: Buffer, dataBytes: number): Promise<string> {
      const path = join(dir, name);
      const file = await open(path, 'wx');
      try {
        await file.write(header, 0, header.length, 0);
        await file.truncate(header.length + dataBytes);
      } finally {
        await file.close();
      }
      return path;
    }

    it('turns one of our files into RF64 in its JUNK reserve', async () => {
      const path = await sparseFile('big.wav', buildWavHeader(FORMAT, 0, 'wav'), DATA_BYTES);
      const result = await repairWavFile(path);
      assert.deepEqual(result, { path, format: FORMAT, frames: DATA_BYTES / 6, dataBytes: DATA_BYTES, container: 'rf64', changed: true, truncatedBytes: 0 });
      const info = await readWavInfo(path);
      assert.deepEqual(info, { container: 'rf64', format: FORMAT, dataOffset: HEADER_BYTES, dataBytes: DATA_BYTES, junkOffset: 12 });
      const file = await open(path, 'r');
      try {
        const header = Buffer.alloc(HEADER_BYTES);
        await file.read(header, 0, HEADER_BYTES, 0);
        assert.deepEqual(header, buildWavHeader(FORMAT, DATA_BYTES, 'rf64'));
      } finally {
        await file.close();
      }
    });

    it('sets the sizes to 0xFFFFFFFF in a file with no JUNK reserve', async () => {
      const canonical = Buffer.concat([
        Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00', 'latin1'),
        buildWavHeader(STEREO_16, 0, 'wav').subarray(56, 72),
        Buffer.from('data\x00\x00\x00\x00', 'latin1'),
      ]);
      const path = await sparseFile('big-canonical.wav', canonical, 5e9);
      const result = await repairWavFile(path);
      assert.deepEqual([result.container, result.frames, result.changed], ['wav', 1.25e9, true]);
      const info = await readWavInfo(path);
      assert.equal(info.dataBytes, 0xffffffff);
      assert.equal(info.container, 'wav');
    });
  });

  it('throws WavFormatError for a header it cannot read, and changes nothing', async () => {
    const cases: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['text', Buffer.from('not a wav file at all, just some text')],
      ['cut header', buildWavHeader(FORMAT, 0, 'wav').subarray(0, 90)],
    ];
    for (const [name, content] of cases) {
      const path = join(dir, `bad-${name}.wav`);
      await writeFile(path, content);
      await assert.rejects(repairWavFile(path), WavFormatError, name);
      assert.deepEqual(await readFile(path), content, name);
    }
  });

  it('refuses an RF64 file whose ds64 it cannot update in place', async () => {
    const ours = buildWavHeader({ sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' }, 400, 'rf64');
    // fmt first, then the ds64: valid RF64 for most readers, but not where we rewrite it.
    const moved = Buffer.concat([ours.subarray(0, 12), ours.subarray(48, 72), ours.subarray(12, 48), ours.subarray(72)]);
    const path = join(dir, 'moved-ds64.wav');
    await writeFile(path, Buffer.concat([moved, Buffer.alloc(404)]));
    assert.equal((await readWavInfo(path)).dataBytes, 400);
    await assert.rejects(repairWavFile(path), /ds64 is not a 28-byte chunk right after "WAVE"/);
  });
});
