import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, stat, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AudioFormat } from '../../src/lib/audio/format';
import { FileNameError } from '../../src/lib/recording/file-names';
import { publishFiles } from '../../src/lib/recording/publish';
import { listRecordings } from '../../src/lib/storage/recording-list';
import { deleteRecording, pruneRecordings, RecordingFileError } from '../../src/lib/storage/recording-removal';
import { RecordingStore, type StoreRequest } from '../../src/lib/storage/recording-store';
import { WavFileWriter } from '../../src/lib/wav';
import { pcmPattern } from '../support/pcm-pattern';
import { ScratchVolumes } from '../support/scratch-volumes';

const MONO_16: AudioFormat = { sampleRate: 8000, channels: 1, bitDepth: 16, encoding: 'signed' };
const STEREO_24: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 24, encoding: 'signed' };
/** Even seconds: FAT keeps modification times in 2-second steps. */
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

async function writeWav(path: string, format: AudioFormat, frames: number, modifiedMs: number): Promise<number> {
  const writer = new WavFileWriter(path, format, { refreshIntervalMs: 0 });
  writer.append(pcmPattern(format, 0, frames));
  const { fileBytes } = await writer.finalize();
  await utimes(path, new Date(modifiedMs), new Date(modifiedMs));
  return fileBytes;
}

async function touch(path: string, content: string, modifiedMs: number): Promise<void> {
  await writeFile(path, content);
  await utimes(path, new Date(modifiedMs), new Date(modifiedMs));
}

describe('recordings on a card', () => {
  let volumes: ScratchVolumes;
  let tmpfs: string;
  let fat: string;
  before(async () => {
    volumes = await ScratchVolumes.create('storage-recordings-');
    tmpfs = await volumes.tmpfs('tmpfs', '8m');
    fat = await volumes.fusefat(await volumes.fatImage('card.img'), 'fat');
  });
  after(() => volumes?.cleanUp());

  for (const volume of ['tmpfs', 'fat'] as const) {
    it(`lists the recordings on ${volume} oldest first, with exact durations, and none of the rest`, async () => {
      const dir = join(volume === 'fat' ? fat : tmpfs, 'list');
      await mkdir(join(dir, '.partial'), { recursive: true });
      const stereoBytes = await writeWav(join(dir, 'take 10.wav'), STEREO_24, 48000, T0);
      const monoBytes = await writeWav(join(dir, 'take 9.WAV'), MONO_16, 12345, T0 + 2000);
      const cutBytes = (await writeWav(join(dir, 'cut.wav'), MONO_16, 8000, T0 + 4000)) - 1001;
      await truncate(join(dir, 'cut.wav'), cutBytes);
      await utimes(join(dir, 'cut.wav'), new Date(T0 + 4000), new Date(T0 + 4000));
      await touch(join(dir, 'junk.wav'), 'not a RIFF file at all', T0 + 6000);
      await touch(join(dir, '.partial', 'open.wav'), 'RIFF', T0);
      await touch(join(dir, '.hidden.wav'), 'RIFF', T0);
      await touch(join(dir, 'notes.txt'), 'text', T0);
      await mkdir(join(dir, 'folder.wav'));
      if (volume === 'tmpfs') await symlink(join(dir, 'take 10.wav'), join(dir, 'link.wav'));

      assert.deepEqual(await listRecordings(dir), [
        { name: 'take 10.wav', bytes: stereoBytes, frames: 48000, durationMs: 1000, format: STEREO_24, modifiedAt: new Date(T0).toISOString() },
        { name: 'take 9.WAV', bytes: monoBytes, frames: 12345, durationMs: 1543, format: MONO_16, modifiedAt: new Date(T0 + 2000).toISOString() },
        { name: 'cut.wav', bytes: cutBytes, format: MONO_16, modifiedAt: new Date(T0 + 4000).toISOString() },
        { name: 'junk.wav', bytes: 22, modifiedAt: new Date(T0 + 6000).toISOString() },
      ]);
    });
  }

  it('orders recordings with the same time by natural name order', async () => {
    const dir = join(fat, 'same-time');
    await mkdir(dir);
    for (const name of ['recording10.wav', 'recording9.wav', 'recording100.wav']) await writeWav(join(dir, name), MONO_16, 80, T0);
    assert.deepEqual((await listRecordings(dir)).map((r) => r.name), ['recording9.wav', 'recording10.wav', 'recording100.wav']);
  });

  it('refuses to delete anything but a recording in the directory, with a clear error', async () => {
    const dir = join(tmpfs, 'delete');
    await mkdir(join(dir, 'folder.wav'), { recursive: true });
    await mkdir(join(dir, '.partial'));
    await writeFile(join(tmpfs, 'x.wav'), 'outside');
    await symlink('/etc/passwd', join(dir, 'escape.wav'));
    for (const name of ['../x.wav', '/etc/passwd', 'a/b.wav', '.partial', '..', '', 42]) {
      await assert.rejects(deleteRecording(dir, name), FileNameError, String(name));
    }
    await assert.rejects(deleteRecording(dir, 'escape.wav'), /is a symbolic link/);
    await assert.rejects(deleteRecording(dir, 'folder.wav'), (err: Error) => err instanceof RecordingFileError && /not a regular file/.test(err.message));
    await assert.rejects(deleteRecording(dir, 'missing.wav'), (err: Error) => err instanceof RecordingFileError && /no recording "missing.wav"/.test(err.message));
    assert.equal(await readFile(join(tmpfs, 'x.wav'), 'utf8'), 'outside');
    assert.ok((await lstat(join(dir, 'escape.wav'))).isSymbolicLink());
    assert.ok((await stat('/etc/passwd')).isFile());
    assert.deepEqual((await readdir(dir)).sort(), ['.partial', 'escape.wav', 'folder.wav']);
  });

  it('deletes a recording on the FAT card, the name completed with .wav', async () => {
    const dir = join(fat, 'delete');
    await mkdir(dir);
    await writeWav(join(dir, 'kitchen.wav'), MONO_16, 80, T0);
    await writeWav(join(dir, 'hall.wav'), MONO_16, 80, T0);
    assert.equal(await deleteRecording(dir, 'kitchen'), 'kitchen.wav');
    assert.deepEqual(await readdir(dir), ['hall.wav']);
  });

  it('prunes the oldest recordings on the FAT card, never a kept one or anything else', async () => {
    const dir = join(fat, 'prune');
    await mkdir(join(dir, '.partial'), { recursive: true });
    for (const [i, name] of ['r1.wav', 'r2.wav', 'r3.wav', 'r4.wav', 'r5.wav'].entries()) await touch(join(dir, name), 'x'.repeat(100), T0 + i * 2000);
    await touch(join(dir, 'notes.txt'), 'old notes', T0 - 3600_000);
    await touch(join(dir, '.partial', 'open.wav'), 'x', T0 - 3600_000);
    const removed = await pruneRecordings(dir, { keepLast: 2 }, T0 + 10_000, new Set(['r1.wav']));
    assert.deepEqual(removed, ['r2.wav', 'r3.wav', 'r4.wav']);
    assert.deepEqual((await readdir(dir)).sort(), ['.partial', 'notes.txt', 'r1.wav', 'r5.wav']);
    assert.deepEqual(await pruneRecordings(dir, { keepLast: 2 }, T0 + 10_000), [], 'the policy holds now');
    assert.deepEqual(await pruneRecordings(dir, { maxAgeDays: 1 }, T0 + 2 * 86_400_000), ['r1.wav', 'r5.wav']);
  });

  it('stores recordings under the next numbers in the order asked, and keeps one whose retention cannot be applied', async () => {
    const dir = join(tmpfs, 'store');
    const sources = join(tmpfs, 'store-sources');
    await mkdir(dir);
    await mkdir(sources);
    await writeWav(join(dir, 'recording7.wav'), MONO_16, 80, T0);
    const request = async (name: string, modifiedMs: number): Promise<StoreRequest> => {
      const path = join(sources, name);
      await writeWav(path, MONO_16, 80, modifiedMs);
      return { files: [path], startedAt: new Date(modifiedMs), session: name, topic: '', rules: {} };
    };
    const pattern = 'recording{counter}.wav';
    const store = new RecordingStore({ directory: dir, pattern, retention: { keepLast: 2 } });
    const requests = [await request('a.wav', T0 + 2000), await request('b.wav', T0 + 4000)];
    const [a, b] = await Promise.all(requests.map((r) => store.store(r, T0 + 10_000)));
    assert.deepEqual([a?.index, a?.paths, a?.removed], [8, [join(dir, 'recording8.wav')], []]);
    assert.deepEqual([b?.index, b?.paths, b?.removed], [9, [join(dir, 'recording9.wav')], ['recording7.wav']]);

    const broken = new RecordingStore({ directory: dir, pattern, retention: { keepLast: -1 } });
    const c = await broken.store(await request('c.wav', T0 + 6000));
    assert.deepEqual([c.index, c.paths, c.removed], [10, [join(dir, 'recording10.wav')], []]);
    assert.ok(c.pruneError instanceof RangeError, 'the retention failed, the recording is stored all the same');
    assert.deepEqual((await readdir(dir)).sort(), ['recording10.wav', 'recording8.wav', 'recording9.wav']);
    assert.deepEqual(await readdir(sources), []);
  });

  it('publishes from another volume by copy: identical content, sources removed, no temporary left, nothing overwritten', async () => {
    const sources = join(tmpfs, 'finished');
    const dir = join(fat, 'publish');
    await mkdir(sources);
    await mkdir(dir);
    await writeFile(join(dir, 'take.wav'), 'already here');
    const parts = [randomBytes(300 * 1024), randomBytes(100 * 1024 + 7)];
    const paths = parts.map((_, i) => join(sources, `part${i}.wav`));
    for (const [i, part] of parts.entries()) await writeFile(paths[i]!, part);

    const published = await publishFiles(paths, dir, 'take.wav');
    assert.deepEqual(published, [join(dir, 'take-2.wav'), join(dir, 'take-2-part2.wav')]);
    for (const [i, path] of published.entries()) assert.ok((await readFile(path)).equals(parts[i]!), path);
    assert.equal(await readFile(join(dir, 'take.wav'), 'utf8'), 'already here');
    assert.deepEqual((await readdir(dir)).sort(), ['take-2-part2.wav', 'take-2.wav', 'take.wav']);
    assert.deepEqual(await readdir(sources), []);
  });

  it('keeps every source and removes its copies when the destination fills up', async () => {
    const sources = join(tmpfs, 'too-big');
    await mkdir(sources);
    const full = await volumes.tmpfs('full', '64k');
    const paths = [join(sources, 'a.wav'), join(sources, 'b.wav')];
    for (const path of paths) await writeFile(path, randomBytes(40 * 1024));
    await assert.rejects(publishFiles(paths, full, 'big.wav'), { code: 'ENOSPC' });
    assert.deepEqual(await readdir(full), []);
    assert.deepEqual((await readdir(sources)).sort(), ['a.wav', 'b.wav']);
  });
});
