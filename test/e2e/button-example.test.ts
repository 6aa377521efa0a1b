import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GpiomonStandIn, processExists, scriptedEdge } from '../support/gpiomon-harness';
import { adjustedExample, MainJob } from '../support/main-job';
import { soxInfo } from '../support/wav-readers';
import { waitFor } from '../support/wait';

/** The example with mic-in on the test signal (no sound card here), written where the main job can deploy it. */
function exampleOnTestSignal(directory: string): Promise<string> {
  return adjustedExample(directory, 'record-on-button.json', (nodeOfType) => {
    const button = nodeOfType('button-trigger');
    assert.deepEqual([button.source, button.chip, button.line, button.mode], ['gpio', 'gpiochip0', 17, 'toggle']);
    const mic = nodeOfType('mic-in');
    assert.deepEqual([mic.source, mic.device], ['alsa', 'default']);
    mic.source = 'test';
  });
}

// The button as gpiomon reports it once the flow runs: pressed (bouncing) 0.5 s in, pressed again 1.2 s later.
const PRESSES_APART_MS = 2200 - 1000;
const SCRIPT = [
  'wait 500',
  scriptedEdge('1000', 'falling'), scriptedEdge('1000.4', 'rising'), scriptedEdge('1001.2', 'falling'),
  'wait 150',
  scriptedEdge('1150', 'rising'),
  'wait 1050',
  scriptedEdge('2200', 'falling'), scriptedEdge('2200.6', 'rising'), scriptedEdge('2201', 'falling'),
  'wait 100',
  scriptedEdge('2300', 'rising'),
];

describe('the button example flow, in the main job with a stand-in gpiomon', { timeout: 60_000 }, () => {
  let standIn: GpiomonStandIn | undefined;
  let userDir: string | undefined;
  let job: MainJob | undefined;

  after(async () => {
    await job?.stop('SIGTERM');
    await standIn?.remove();
    if (userDir) await rm(userDir, { recursive: true, force: true });
  });

  it('imports, runs, and records between two presses of the GPIO button', async (t) => {
    // Node-RED gets this process's environment: the stand-in first on its PATH.
    standIn = await GpiomonStandIn.install('2', SCRIPT);
    userDir = await mkdtemp(join(tmpdir(), 'button-example-'));
    job = new MainJob(userDir, await exampleOnTestSignal(userDir));
    await job.started();

    const recordings = join(userDir, 'recordings');
    const [name] = await waitFor(async () => {
      const names = (await readdir(recordings).catch(() => [])).filter((n) => n.endsWith('.wav'));
      return names.length ? names : undefined;
    }, 'the recording', 15_000);
    assert.match(name!, /^button-.+\.wav$/);
    const info = await soxInfo(join(recordings, name!));
    assert.deepEqual([info.sampleRate, info.channels, info.bitsPerSample], [48000, 1, 16]);
    const recordedMs = (info.frames / 48000) * 1000;
    t.diagnostic(`${recordedMs} ms recorded for presses ${PRESSES_APART_MS} ms apart`);
    assert.ok(Math.abs(recordedMs - PRESSES_APART_MS) <= 100, `${recordedMs} ms recorded for presses ${PRESSES_APART_MS} ms apart`);
    // The debug node logs the finished recording; button-trigger logged what it watches, with which gpiomon.
    await job.waitFor(/reason: 'stop'/);
    assert.match(job.log, /\[button-trigger:record button\] watching gpiochip0 line 17 with gpiomon 2\.1\.3/);

    const [monitor] = await standIn.monitorCalls();
    assert.ok(monitor, 'Node-RED ran gpiomon');
    for (const args of [['--chip', 'gpiochip0'], ['--bias', 'pull-up'], ['--active-low']]) {
      assert.ok(monitor.argv.join(' ').includes(args.join(' ')), `gpiomon ${monitor.argv.join(' ')} has ${args.join(' ')}`);
    }
    assert.equal(monitor.argv.at(-1), '17');
    assert.doesNotMatch(job.log, /\[error\] \[button-trigger/);
    await job.stop('SIGTERM');
    assert.equal(processExists(monitor.pid), false, 'no gpiomon left once Node-RED has stopped');
  });
});
