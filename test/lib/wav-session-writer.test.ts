import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AudioFormat } from '../../src/lib/audio/format';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { buildWavHeader } from '../../src/lib/wav/header';
import { ChunkMessage, WavSessionWriter } from '../../src/lib/recording/wav-session-writer';
import { countingPcm16 } from '../support/scripted-source';

const mono16: AudioFormat = { sampleRate: 8000, channels: 1, bitDepth: 16, encoding: 'signed' };
const source = { kind: 'test' as const, device: 'test' };

function chunk(session: string, event: 'start' | 'data' | 'end', frame: number, payload: Buffer = Buffer.alloc(0)): ChunkMessage {
  return { payload, audio: { session, seq: 0, frame, format: mono16, source, event, dropped: 0, ...(event === 'end' && { reason: 'stop' as const }) } };
}

describe('WavSessionWriter recovery', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'session-writer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('publishes only what an earlier run left, never the file it is writing, and numbers after the leftovers', async () => {
    const partial = join(dir, '.partial');
    await mkdir(partial);
    await writeFile(join(partial, 'take-3.wav'), Buffer.concat([buildWavHeader(mono16, 0, 'wav'), countingPcm16(0, 80)]));
    const finished: RecordingInfo[] = [];
    const writer = new WavSessionWriter({
      directory: dir,
      partialDirectory: partial,
      pattern: 'take-{counter}.wav',
      maxDurationMs: 0,
      maxBytes: 0,
      refreshIntervalMs: 0,
      onFinished: (recording) => finished.push(recording),
      onError: (err) => assert.fail(err),
    });
    await writer.write(chunk('live', 'start', 0));
    await writer.write(chunk('live', 'data', 0, countingPcm16(0, 40)));
    await writer.recover();
    assert.deepEqual(finished.map((r) => [r.path, r.reason, r.frames]), [[join(dir, 'take-3.wav'), 'interrupted', 80]]);
    assert.deepEqual(await readdir(partial), ['take-4.wav'], 'the live file stays where it is');
    await writer.write(chunk('live', 'end', 40));
    assert.deepEqual(finished.map((r) => [r.path, r.reason, r.frames]).at(-1), [join(dir, 'take-4.wav'), 'stop', 40]);
    await writer.close();
  });
});
