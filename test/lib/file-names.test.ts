import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expandPattern, FileNameError, highestCounter, safeFileName } from '../../src/lib/recording/file-names';
import { publishFiles } from '../../src/lib/recording/publish';

const tokens = { counter: 7, startedAt: new Date(2026, 0, 2, 3, 4, 5), session: 'abc-123', topic: 'audio/kitchen' };

describe('file names', () => {
  it('expands every token, in local time, with unsafe characters replaced', () => {
    assert.equal(expandPattern('rec-{counter}', tokens), 'rec-7.wav');
    assert.equal(expandPattern('{date}_{time}.wav', tokens), '2026-01-02_03-04-05.wav');
    assert.equal(expandPattern('{datetime}-{session}-{topic}.wav', tokens), '2026-01-02_03-04-05-abc-123-audio_kitchen.wav');
  });

  it('keeps a topic from climbing out of the directory', () => {
    assert.equal(expandPattern('{topic}.wav', { ...tokens, topic: '../../etc/passwd' }), '_.._etc_passwd.wav');
  });

  it('accepts plain names and adds .wav', () => {
    assert.equal(safeFileName('kitchen'), 'kitchen.wav');
    assert.equal(safeFileName('take 1.WAV'), 'take 1.WAV');
  });

  it('rejects names that leave the directory or hide', () => {
    for (const name of ['../x.wav', '/etc/passwd', 'a/b.wav', 'a\\b.wav', '..', '.hidden.wav', '', '  ', 'a\u0000b', 42, null, 'x'.repeat(300)]) {
      assert.throws(() => safeFileName(name), FileNameError, String(name));
    }
  });

  describe('in a directory', () => {
    let dir: string;
    after(() => rm(dir, { recursive: true, force: true }));

    it('continues the counter after the highest number there, ignoring other files', async () => {
      dir = await mkdtemp(join(tmpdir(), 'names-'));
      for (const name of ['recording1.wav', 'recording12.wav', 'recording3.wav', 'other7.wav', 'recording99.txt']) await writeFile(join(dir, name), '');
      assert.equal(await highestCounter(dir, 'recording{counter}.wav'), 12);
      assert.equal(await highestCounter(dir, 'other{counter}'), 7);
      assert.equal(await highestCounter(dir, 'recording-{date}.wav'), 0);
      assert.equal(await highestCounter(join(dir, 'missing'), 'recording{counter}.wav'), 0);
    });

    it('publishes under a free name instead of overwriting, parts after the name it got', async () => {
      const partials = await mkdtemp(join(dir, 'partial-'));
      for (const name of ['a.wav', 'b.wav', 'c.wav']) await writeFile(join(partials, name), name);
      const paths = await publishFiles(['a.wav', 'b.wav'].map((n) => join(partials, n)), dir, 'recording1.wav');
      assert.deepEqual(paths, [join(dir, 'recording1-2.wav'), join(dir, 'recording1-2-part2.wav')]);
      assert.equal(await readFile(join(dir, 'recording1.wav'), 'utf8'), '', 'the existing file is untouched');
      assert.equal(await readFile(paths[1]!, 'utf8'), 'b.wav');
      assert.deepEqual(await publishFiles([join(partials, 'c.wav')], dir, 'new.wav'), [join(dir, 'new.wav')]);
      assert.deepEqual(await readdir(partials), []);
    });

    it('gives two writers publishing the same name at once two files', async () => {
      const partials = await mkdtemp(join(dir, 'race-'));
      const names = Array.from({ length: 20 }, (_, i) => `p${i}.wav`);
      for (const name of names) await writeFile(join(partials, name), name);
      const paths = await Promise.all(names.map((name) => publishFiles([join(partials, name)], dir, 'same.wav')));
      const contents = await Promise.all(paths.map(([path]) => readFile(path!, 'utf8')));
      assert.deepEqual(contents.sort(), [...names].sort(), 'every file survived under its own name');
    });
  });
});
