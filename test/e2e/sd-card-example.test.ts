import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesPerFrame } from '../../src/lib/audio/format';
import { readWavInfo } from '../../src/lib/wav/header';
import { MainJobsInDirectory } from '../support/main-job';
import { sleep, waitFor } from '../support/wait';
import { soxInfo } from '../support/wav-readers';

// Node ids in examples/record-to-sd-card.json.
const START = 'a1c0de0000000402';
const STOP = 'a1c0de0000000403';
const WRITER = 'a1c0de0000000405';
const RATE = 48000;

/** Adds flows to a running Node-RED as the editor's import and deploy do: the whole configuration, posted back. */
async function importFlow(url: string, nodes: object[]): Promise<void> {
  const current = (await (await fetch(`${url}/flows`)).json()) as object[];
  const response = await fetch(`${url}/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify([...current, ...nodes]),
  });
  assert.equal(response.status, 204, await response.text());
}

describe('the SD card example flow, imported into the running main job', () => {
  let jobs: MainJobsInDirectory;
  let userDir: string;
  const recordings = () => join(userDir, 'recordings');
  const stored = async () => (await readdir(recordings()).catch(() => [])).filter((n) => /^recording\d+\.wav$/.test(n)).sort();

  before(async () => {
    jobs = await MainJobsInDirectory.create('sd-card-example-');
    userDir = jobs.userDir;
  });
  after(() => jobs.dispose());

  it('imports, records from start to stop, and stores recording1.wav', async () => {
    const job = jobs.start();
    const url = await job.started();
    await importFlow(url, JSON.parse(await readFile(join(__dirname, '../../examples/record-to-sd-card.json'), 'utf8')));
    // The deploy is answered before the new flows run.
    await job.waitFor(/Started flows[\s\S]*Started flows/);
    await job.inject(url, START);
    await sleep(1000);
    await job.inject(url, STOP);
    const names = await waitFor(async () => ((await stored()).length ? stored() : undefined), 'the stored recording');
    assert.deepEqual(names, ['recording1.wav']);
    const info = await soxInfo(join(recordings(), 'recording1.wav'));
    assert.deepEqual([info.sampleRate, info.channels, info.bitsPerSample], [RATE, 1, 16]);
    assert.ok(Math.abs(info.frames / RATE - 1) < 0.4, `recorded ${info.frames / RATE} s for a 1 s press`);
    await job.waitFor(/storedPath: '.*recording1\.wav'/);
    assert.deepEqual(await readdir(join(recordings(), '.partial', WRITER)), [], 'nothing left on the card unstored');
    await job.stop('SIGTERM');
  });

  it('after SIGKILL mid-recording, repairs the recording on restart and stores it as recording2.wav', async () => {
    const job = jobs.start();
    const url = await job.started();
    await job.inject(url, START);
    await sleep(2500);
    await job.stop('SIGKILL');
    const partials = join(recordings(), '.partial', WRITER);
    const [left] = await readdir(partials);
    assert.ok(left, 'the interrupted recording is in the partial folder on the card');
    // Measured, not repaired: the restarted job has to repair it.
    const { dataOffset, format } = await readWavInfo(join(partials, left));
    const framesOnDisk = Math.floor(((await stat(join(partials, left))).size - dataOffset) / bytesPerFrame(format));

    const restarted = jobs.start();
    await restarted.started();
    await restarted.waitFor(/storedPath: '.*recording2\.wav'/);
    assert.match(restarted.log, /reason: 'interrupted'/);
    assert.deepEqual(await stored(), ['recording1.wav', 'recording2.wav']);
    assert.equal((await soxInfo(join(recordings(), 'recording2.wav'))).frames, framesOnDisk);
    assert.deepEqual(await readdir(partials), []);
    await restarted.stop('SIGTERM');
  });
});
