import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { type AudioFormat, bytesPerFrame } from '../../src/lib/audio/format';
import { parseWavHeader, readWavInfo, WavFileWriter, wavLayout } from '../../src/lib/wav';
import { fileHandlePrototype } from '../support/file-handle-spy';
import { pcmPattern } from '../support/pcm-pattern';
import { sleep, waitFor } from '../support/wait';
import { soxDecode, soxInfo, wavefileInfo } from '../support/wav-readers';

const run = promisify(execFile);

const STEREO_16: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };
const MONO_16: AudioFormat = { sampleRate: 8000, channels: 1, bitDepth: 16, encoding: 'signed' };

/** Appends `frames` of the pattern in pieces of the given frame counts, cycling through them. */
function appendPattern(writer: WavFileWriter, frames: number, pieces: number[], firstFrame = 0): Buffer {
  const pcm = pcmPattern(writer.format, firstFrame, frames);
  const frameBytes = bytesPerFrame(writer.format);
  let frame = 0;
  for (let i = 0; frame < frames; i++) {
    const count = Math.min(pieces[i % pieces.length] ?? 1, frames - frame);
    writer.append(pcm.subarray(frame * frameBytes, (frame + count) * frameBytes));
    frame += count;
  }
  return pcm;
}

/** The data size the file's header claims, or -1 while the placeholder header is not on disk yet. */
const claimedBytes = (path: string): Promise<number> => readWavInfo(path).then((info) => info.dataBytes, () => -1);

describe('WavFileWriter', () => {
  let dir: string;
  let fileNumber = 0;
  let fileHandle: FileHandle;
  const freshPath = (name: string): string => join(dir, `${fileNumber++}-${name}.wav`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-writer-'));
    fileHandle = await fileHandlePrototype();
  });
  afterEach(() => mock.restoreAll());
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every kind of format so that sox and wavefile read back exactly what was appended', async () => {
    const formats: AudioFormat[] = [
      { sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' },
      { sampleRate: 44100, channels: 2, bitDepth: 16, encoding: 'signed' },
      { sampleRate: 16000, channels: 32, bitDepth: 16, encoding: 'signed' },
      { sampleRate: 96000, channels: 3, bitDepth: 24, encoding: 'signed' },
      { sampleRate: 48000, channels: 6, bitDepth: 32, encoding: 'signed' },
      { sampleRate: 22050, channels: 2, bitDepth: 32, encoding: 'float' },
      { sampleRate: 192000, channels: 8, bitDepth: 32, encoding: 'float' },
    ];
    for (const format of formats) {
      const name = `${format.sampleRate}/${format.bitDepth}/${format.encoding}/${format.channels}`;
      const path = freshPath('format');
      const writer = new WavFileWriter(path, format);
      const pcm = appendPattern(writer, 3001, [1, 100, 0, 1000, 7]);
      const summary = await writer.finalize();
      const { headerBytes } = wavLayout(format);
      assert.deepEqual(summary, {
        path,
        format,
        frames: 3001,
        dataBytes: pcm.length,
        fileBytes: headerBytes + pcm.length,
        container: 'wav',
      }, name);
      assert.equal((await stat(path)).size, summary.fileBytes, name);
      assert.deepEqual((await readFile(path)).subarray(headerBytes), pcm, name);
      const sox = await soxInfo(path);
      assert.deepEqual([sox.sampleRate, sox.channels, sox.bitsPerSample, sox.frames], [format.sampleRate, format.channels, format.bitDepth, 3001], name);
      assert.ok((await soxDecode(path)).pcm.equals(pcm), `${name}: sox decodes the PCM`);
      const wavefile = await wavefileInfo(path);
      assert.deepEqual([wavefile.sampleRate, wavefile.numChannels, wavefile.bitsPerSample], [format.sampleRate, format.channels, format.bitDepth], name);
      assert.ok(wavefile.data.equals(pcm), `${name}: wavefile finds the PCM`);
    }
  });

  it('finalize returns the same promise every time and the counters add up', async () => {
    const path = freshPath('counters');
    const writer = new WavFileWriter(path, STEREO_16);
    assert.deepEqual([writer.framesAppended, writer.bytesAppended, writer.pendingBytes], [0, 0, 0]);
    writer.append(Buffer.alloc(400));
    writer.append(Buffer.alloc(0));
    writer.append(Buffer.alloc(40));
    // Nothing can have been written yet: the file is still being opened.
    assert.deepEqual([writer.framesAppended, writer.bytesAppended, writer.pendingBytes], [110, 440, 440]);
    const first = writer.finalize();
    assert.equal(writer.finalize(), first);
    const summary = await first;
    assert.equal(summary.frames, 110);
    assert.equal(writer.pendingBytes, 0);
    assert.equal(await writer.finalize(), summary);
  });

  it('hands all queued buffers to one writev, as they were appended (no copies)', async () => {
    const writev = mock.method(fileHandle, 'writev');
    const path = freshPath('coalesce');
    const writer = new WavFileWriter(path, STEREO_16);
    const buffers = Array.from({ length: 100 }, (_, i) => pcmPattern(STEREO_16, i * 10, 10));
    for (const buffer of buffers) writer.append(buffer);
    await writer.finalize();
    assert.equal(writev.mock.callCount(), 1);
    const [written, position] = writev.mock.calls[0]?.arguments ?? [];
    assert.equal(position, wavLayout(STEREO_16).headerBytes);
    assert.equal((written as Buffer[]).length, 100);
    (written as Buffer[]).forEach((buffer, i) => assert.equal(buffer, buffers[i], `buffer ${i} is the appended object`));
    assert.ok((await readFile(path)).subarray(80).equals(Buffer.concat(buffers)));
  });

  it('carries on after short writes, including ones that end inside a buffer', async () => {
    const writev = fileHandle.writev;
    // The kernel may take less than asked for; make every writev take at most 1001 bytes.
    const shortWritev = mock.method(fileHandle, 'writev', function (this: FileHandle, buffers: Buffer[], position: number) {
      const limited: Buffer[] = [];
      let room = 1001;
      for (const buffer of buffers) {
        if (room === 0) break;
        limited.push(buffer.subarray(0, room));
        room -= Math.min(room, buffer.length);
      }
      return writev.call(this, limited, position);
    });
    const path = freshPath('short-writes');
    const writer = new WavFileWriter(path, STEREO_16);
    const pcm = appendPattern(writer, 2000, [333, 7, 250]);
    const summary = await writer.finalize();
    assert.ok(shortWritev.mock.callCount() >= 8, `${shortWritev.mock.callCount()} writev calls`);
    assert.equal(summary.frames, 2000);
    assert.ok((await readFile(path)).subarray(80).equals(pcm));
  });

  it('finalize rewrites only the header, at offset 0, and reads nothing, whatever the data size', async () => {
    async function finalizeCalls(frames: number): Promise<string[]> {
      const writer = new WavFileWriter(freshPath(`o1-${frames}`), STEREO_16, { refreshIntervalMs: 0 });
      for (let frame = 0; frame < frames; frame += 16384) writer.append(pcmPattern(STEREO_16, frame, 16384));
      await waitFor(() => (writer.pendingBytes === 0 ? true : undefined), 'the data to be written');
      const watched = ['read', 'readv', 'readFile', 'createReadStream', 'write', 'writev', 'truncate', 'stat'] as const;
      const spies = watched.map((name) => [name, mock.method(fileHandle, name)] as const);
      await writer.finalize();
      const calls = spies.flatMap(([name, spy]) =>
        spy.mock.calls.map((call) => {
          const [buffer, offset, length, position] = call.arguments as unknown[];
          return name === 'write' ? `write ${(buffer as Buffer).length} bytes [${offset}, +${length}) at ${position}` : name;
        }),
      );
      mock.restoreAll();
      return calls;
    }
    const small = await finalizeCalls(16384);
    const large = await finalizeCalls(16384 * 64);
    assert.deepEqual(small, ['write 80 bytes [0, +80) at 0']);
    assert.deepEqual(large, small);
  });

  it('throws for torn appends, appends after finalize, and invalid formats or options', async () => {
    const path = freshPath('misuse');
    const writer = new WavFileWriter(path, STEREO_16);
    assert.throws(() => writer.append(Buffer.alloc(6)), RangeError);
    writer.append(Buffer.alloc(8));
    await writer.finalize();
    assert.throws(() => writer.append(Buffer.alloc(4)), (err: unknown) => err instanceof Error && !(err instanceof RangeError) && /after finalize/.test(err.message));
    assert.equal((await readWavInfo(path)).dataBytes, 8);

    const invalidPath = freshPath('invalid');
    assert.throws(() => new WavFileWriter(invalidPath, { ...STEREO_16, channels: 0 }), RangeError);
    assert.throws(() => new WavFileWriter(invalidPath, { ...STEREO_16, bitDepth: 12 as 16 }), RangeError);
    assert.throws(() => new WavFileWriter(invalidPath, { ...STEREO_16, encoding: 'float' }), RangeError);
    assert.throws(() => new WavFileWriter(invalidPath, undefined as unknown as AudioFormat), TypeError);
    assert.throws(() => new WavFileWriter(invalidPath, STEREO_16, { riffLimit: 10 }), RangeError);
    assert.throws(() => new WavFileWriter(invalidPath, STEREO_16, { refreshIntervalMs: -1 }), RangeError);
    await assert.rejects(stat(invalidPath), { code: 'ENOENT' });
  });

  it('never overwrites: an existing path goes to onError once and finalize rejects', async () => {
    const path = freshPath('existing');
    await writeFile(path, 'precious');
    const errors: Error[] = [];
    const writer = new WavFileWriter(path, STEREO_16, { onError: (err) => errors.push(err) });
    writer.append(Buffer.alloc(400));
    await waitFor(() => (errors.length > 0 ? true : undefined), 'the open to fail');
    writer.append(Buffer.alloc(4));
    assert.deepEqual([writer.framesAppended, writer.pendingBytes], [100, 0]);
    await assert.rejects(writer.finalize(), { code: 'EEXIST' });
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as NodeJS.ErrnoException).code, 'EEXIST');
    assert.equal(await readFile(path, 'latin1'), 'precious');
  });

  it('an empty recording is a valid file with no frames', async () => {
    const path = freshPath('empty');
    const summary = await new WavFileWriter(path, STEREO_16).finalize();
    assert.deepEqual([summary.frames, summary.fileBytes], [0, 80]);
    assert.equal((await soxInfo(path)).frames, 0);
    assert.equal((await readWavInfo(path)).dataBytes, 0);
  });

  it('becomes RF64 in place past riffLimit, with a correct ds64', async () => {
    const path = freshPath('rf64');
    const riffLimit = 72 + 4000;
    const writer = new WavFileWriter(path, STEREO_16, { riffLimit });
    const pcm = appendPattern(writer, 1800, [600]);
    const summary = await writer.finalize();
    assert.equal(summary.container, 'rf64');
    const file = await readFile(path);
    const expectedHeader = Buffer.concat([
      Buffer.from('RF64\xff\xff\xff\xffWAVEds64\x1c\x00\x00\x00', 'latin1'),
      Buffer.from([...u64(72 + 7200), ...u64(7200), ...u64(1800), 0, 0, 0, 0]),
    ]);
    assert.deepEqual(file.subarray(0, 48), expectedHeader);
    assert.deepEqual(file.subarray(72, 80), Buffer.from('data\xff\xff\xff\xff', 'latin1'));
    assert.deepEqual(parseWavHeader(file), { container: 'rf64', format: STEREO_16, dataOffset: 80, dataBytes: 7200, junkOffset: 12 });
    assert.ok(file.subarray(80).equals(pcm));
    assert.equal((await soxInfo(path)).frames, 1800);
    assert.ok((await soxDecode(path)).pcm.equals(pcm));
    const wavefile = await wavefileInfo(path);
    assert.equal(wavefile.container, 'RF64');
    assert.deepEqual(wavefile.ds64Words, [7272, 0, 7200, 0, 1800, 0, 0]);
    assert.ok(wavefile.data.equals(pcm));
  });

  it('stays RIFF when the RIFF size reaches riffLimit exactly', async () => {
    const path = freshPath('at-limit');
    const writer = new WavFileWriter(path, STEREO_16, { riffLimit: 72 + 4000 });
    appendPattern(writer, 1000, [1000]);
    assert.equal((await writer.finalize()).container, 'wav');
    assert.equal((await readWavInfo(path)).container, 'wav');
  });

  it('every header state on the way to RF64 is readable by sox and by us', async () => {
    const path = freshPath('upgrade-states');
    const write = fileHandle.write;
    const snapshots: Buffer[] = [];
    mock.method(fileHandle, 'write', async function (this: FileHandle, ...args: Parameters<FileHandle['write']>) {
      const result = await write.apply(this, args);
      snapshots.push(await readFile(path));
      return result;
    });
    const writer = new WavFileWriter(path, STEREO_16, { riffLimit: 72 + 4000, refreshIntervalMs: 20 });
    appendPattern(writer, 500, [500]);
    await waitFor(async () => ((await claimedBytes(path)) === 2000 ? true : undefined), 'a refresh');
    appendPattern(writer, 1300, [650], 500);
    await writer.finalize();
    mock.restoreAll();

    const states = [];
    for (const [index, snapshot] of snapshots.entries()) {
      const copy = join(dir, `upgrade-state-${index}.wav`);
      await writeFile(copy, snapshot);
      const info = parseWavHeader(snapshot);
      states.push(`${info.container} ${info.dataBytes / 4} ${snapshot.toString('latin1', 12, 16)}`);
      assert.equal((await soxInfo(copy)).frames, info.dataBytes / 4, `state ${index} (${states.at(-1)})`);
    }
    // Placeholder, the refresh, then the upgrade: the ds64 payload goes into the JUNK chunk
    // (still RIFF, sizes unchanged) before RF64 and the ds64 id go out together.
    assert.deepEqual(states, ['wav 0 JUNK', 'wav 500 JUNK', 'wav 500 JUNK', 'rf64 1800 ds64']);
    assert.equal(snapshots[2]?.readBigUInt64LE(28), 7200n);
  });

  it('refreshes the header while recording, so the file on disk plays what came before the last refresh', async () => {
    const path = freshPath('refresh');
    const writer = new WavFileWriter(path, MONO_16, { refreshIntervalMs: 50 });
    const before = appendPattern(writer, 800, [160]);
    await sleep(75);
    appendPattern(writer, 800, [160], 800);
    await waitFor(async () => ((await claimedBytes(path)) >= before.length ? true : undefined), 'the header to cover the first appends');
    // Later refreshes may cover more by the time sox looks; never less.
    assert.ok((await soxInfo(path)).frames >= 800);
    const { pcm } = await soxDecode(path);
    assert.ok(pcm.length >= before.length, `sox decodes ${pcm.length} bytes`);
    assert.ok(pcm.equals(pcmPattern(MONO_16, 0, pcm.length / 2)));
    assert.equal(writer.framesAppended, 1600, 'still recording');
    await writer.finalize();
  });

  it('leaves the file alone at a refresh when nothing new was written', async () => {
    const path = freshPath('idle');
    const writer = new WavFileWriter(path, MONO_16, { refreshIntervalMs: 20 });
    appendPattern(writer, 800, [800]);
    await waitFor(async () => ((await claimedBytes(path)) === 1600 ? true : undefined), 'a refresh');
    await sleep(30);
    const settled = await stat(path, { bigint: true });
    await sleep(100);
    assert.equal((await stat(path, { bigint: true })).mtimeNs, settled.mtimeNs);
    await writer.finalize();
  });

  it('does not keep the process alive with its refresh timer', async () => {
    const liveTimers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = liveTimers();
    const writer = new WavFileWriter(freshPath('unref'), MONO_16, { refreshIntervalMs: 1000 });
    assert.equal(liveTimers(), before);
    await writer.finalize();
  });

  it('with refreshIntervalMs 0 the sizes are written only by finalize', async () => {
    const path = freshPath('no-refresh');
    const writer = new WavFileWriter(path, MONO_16, { refreshIntervalMs: 0 });
    appendPattern(writer, 800, [100]);
    await waitFor(() => (writer.pendingBytes === 0 ? true : undefined), 'the data to be written');
    await sleep(100);
    assert.equal((await readWavInfo(path)).dataBytes, 0);
    assert.equal((await stat(path)).size, 80 + 1600);
    await writer.finalize();
    assert.equal((await readWavInfo(path)).dataBytes, 1600);
  });

  it('on a full disk keeps a valid file of the whole frames written and reports the failure once', async (t) => {
    const mountPoint = join(dir, 'tiny-disk');
    await mkdir(mountPoint);
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]);
    } catch (err) {
      t.skip(`cannot mount a 256 KiB tmpfs to fill up (${(err as Error).message.split('\n')[0]})`);
      return;
    }
    try {
      const format: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 24, encoding: 'signed' };
      const path = join(mountPoint, 'full.wav');
      const errors: Error[] = [];
      const writer = new WavFileWriter(path, format, { onError: (err) => errors.push(err) });
      const pcm = appendPattern(writer, 80_000, [4096]);
      await waitFor(() => (errors.length > 0 ? true : undefined), 'the disk to fill up');
      writer.append(pcm.subarray(0, 600));
      assert.equal(writer.pendingBytes, 0);
      const summary = await writer.finalize();
      assert.equal(errors.length, 1);
      assert.equal((errors[0] as NodeJS.ErrnoException).code, 'ENOSPC');
      // 256 KiB minus the 104-byte header holds 43673 whole 6-byte frames and 2 bytes of a torn one.
      assert.equal(summary.frames, Math.floor((256 * 1024 - 104) / 6));
      assert.equal((await stat(path)).size, summary.fileBytes);
      assert.equal((await soxInfo(path)).frames, summary.frames);
      assert.ok((await readFile(path)).subarray(104).equals(pcm.subarray(0, summary.dataBytes)));
    } finally {
      await run('umount', [mountPoint]);
    }
  });
});

function u64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(value));
  return bytes;
}
