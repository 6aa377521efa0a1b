import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expandPattern, FileNameError, highestCounter, safeFileName } from '../../src/lib/recording/file-names';
import { freePath } from '../../src/lib/recording/publish';

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

    it('finds a free name instead of overwriting', async () => {
      assert.equal(await freePath(dir, 'recording1.wav'), join(dir, 'recording1-2.wav'));
      assert.equal(await freePath(dir, 'new.wav'), join(dir, 'new.wav'));
    });
  });
});
