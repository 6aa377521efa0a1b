import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { AudioFormat } from '../../src/lib/audio/format';
import { readWavInfo, repairWavFile } from '../../src/lib/wav';
import { pcmPattern } from '../support/pcm-pattern';
import { soxDecode, soxInfo } from '../support/wav-readers';

const ROOT = join(__dirname, '..', '..');
const FORMAT: AudioFormat = { sampleRate: 8000, channels: 1, bitDepth: 16, encoding: 'signed' };
const REFRESH_MS = 200;
const FRAMES_PER_APPEND = 160; // 20 ms
const APPEND_MS = 20;
const REFRESH_FRAMES = (FORMAT.sampleRate * REFRESH_MS) / 1000;

/**
 * Runs test/support/crash-recorder.ts until it has appended `killAfterFrames`, then
 * SIGKILLs it. Returns the frames it reported appending; it may have appended one more
 * buffer that it did not get to report.
 */
async function recordAndKill(path: string, killAfterFrames: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/support/crash-recorder.ts'), path, JSON.stringify(FORMAT), String(REFRESH_MS), String(FRAMES_PER_APPEND), String(APPEND_MS)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let appended = 0;
  // Lines still in the pipe after the kill were printed, so appended, before it.
  for await (const line of createInterface({ input: child.stdout })) {
    appended = Number(line.split(' ')[1]);
    if (appended >= killAfterFrames && child.signalCode === null) child.kill('SIGKILL');
  }
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  assert.equal(child.signalCode, 'SIGKILL', `the recorder ended on its own: ${stderr}`);
  return appended;
}

describe('crash safety', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a SIGKILLed recording plays up to its last refresh, and repair recovers the whole frames on disk', async () => {
    const path = join(dir, 'killed.wav');
    // Killed halfway between two refreshes, so the one before has had time to reach the disk.
    const reported = await recordAndKill(path, 5.5 * REFRESH_FRAMES);
    const mostAppended = reported + FRAMES_PER_APPEND;

    // As the kill left it: the header of the last refresh, at most one interval (and the
    // append in flight) behind.
    const asLeft = await soxInfo(path);
    assert.ok(asLeft.frames >= reported - REFRESH_FRAMES - FRAMES_PER_APPEND, `sox plays ${asLeft.frames} of ${reported} frames`);
    assert.ok(asLeft.frames <= mostAppended);
    const played = await soxDecode(path);
    assert.ok(played.pcm.equals(pcmPattern(FORMAT, 0, asLeft.frames)), 'sox plays the recorded pattern');

    const repaired = await repairWavFile(path);
    assert.ok(repaired.frames >= asLeft.frames, `repair finds ${repaired.frames} frames`);
    assert.ok(repaired.frames <= mostAppended);
    assert.equal(repaired.truncatedBytes, 0, '2-byte frames are never torn by whole-buffer writes');
    assert.equal(repaired.changed, repaired.frames !== asLeft.frames);
    assert.equal((await readWavInfo(path)).dataBytes, repaired.dataBytes);
    assert.equal((await soxInfo(path)).frames, repaired.frames);
    assert.ok((await soxDecode(path)).pcm.equals(pcmPattern(FORMAT, 0, repaired.frames)), 'every recovered frame is the recorded pattern');
  });
});
