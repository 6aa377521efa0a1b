import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readWavInfo } from '../../src/lib/wav/header';
import { adjustedExample, MainJob } from '../support/main-job';
import { type PicoSimulation, startPicoSimulation } from '../support/pico-sim/index';
import { sleep, waitFor } from '../support/wait';

// Node ids in examples/record-from-pico.json.
const START = 'a1c0de0000000403';
const STOP = 'a1c0de0000000404';

/** The example with its Pico moved to the simulated one's pty, written where the main job can deploy it. */
function exampleOnPort(directory: string, port: string): Promise<string> {
  return adjustedExample(directory, 'record-from-pico.json', (nodeOfType) => {
    const pico = nodeOfType('pico-device');
    assert.equal(pico.port, '/dev/ttyACM0');
    pico.port = port;
  });
}

describe('the Pico example flow, in the main job, against the simulated Pico', { timeout: 90_000 }, () => {
  let dir: string;
  let sim: PicoSimulation;
  let job: MainJob;
  let url: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pico-example-'));
    sim = await startPicoSimulation({ dir: join(dir, 'pty'), rate: 22050 });
    job = new MainJob(join(dir, 'user'), await exampleOnPort(dir, sim.hostPath));
    url = await job.started();
  });

  after(async () => {
    await job?.stop('SIGTERM');
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects to the Pico, records between start and stop, and writes a 16-bit WAV without the DC offset', async () => {
    await job.waitFor(/\[pico-device:Pico\] .*: pico-mic 1\.0\.0/);
    await job.inject(url, START);
    await sleep(1500);
    await job.inject(url, STOP);
    const recordings = join(dir, 'user', 'recordings');
    const name = await waitFor(async () => (await readdir(recordings).catch(() => [])).find((file) => /^pico-.+\.wav$/.test(file)), 'the finished file', 10_000);
    const path = join(recordings, name);
    const info = await readWavInfo(path);
    assert.deepEqual(info.format, { sampleRate: 22050, channels: 1, bitDepth: 16, encoding: 'signed' });
    const data = (await readFile(path)).subarray(info.dataOffset);
    const frames = data.length / 2;
    assert.ok(frames >= 22050 && frames <= 22050 * 3, `${frames} frames for about 1.5 s`);
    const tail = Array.from({ length: 22050 / 2 }, (_, i) => data.readInt16LE((frames - 22050 / 2 + i) * 2));
    const mean = tail.reduce((sum, value) => sum + value, 0) / tail.length;
    assert.ok(Math.abs(mean) < 150, `DC blocked: mean ${mean.toFixed(1)}`);
    // The debug node prints msg.recording to the log too.
    await job.waitFor(new RegExp(`\\[debug:finished recording\\][\\s\\S]*${name.replace(/\./g, '\\.')}[\\s\\S]*reason: 'stop'`), 5000);
  });
});
