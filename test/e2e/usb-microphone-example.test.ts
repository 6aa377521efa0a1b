import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AlsaStandIn } from '../support/alsa-stand-in';
import { MainJob } from '../support/main-job';
import { soxInfo } from '../support/wav-readers';
import { waitFor } from '../support/wait';

// Node ids in examples/record-usb-microphone.json.
const START = 'a1c0de0000000102';

describe('the USB microphone example flow, on a stand-in sound card', () => {
  let standIn: AlsaStandIn;
  let userDir: string;
  let job: MainJob;

  after(async () => {
    await job.stop('SIGTERM');
    await rm(userDir, { recursive: true, force: true });
    await standIn.dispose();
  });

  it('imports, runs, and records a minute from the default device', async () => {
    standIn = await AlsaStandIn.create([{ name: 'usbmic', format: { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' }, seconds: 1 }]);
    process.env.ALSA_CONFIG_PATH = standIn.configPath;
    userDir = await mkdtemp(join(tmpdir(), 'usb-example-'));
    job = new MainJob(userDir, 'record-usb-microphone.json');
    const url = await job.started();
    await job.inject(url, START);
    const recordings = join(userDir, 'recordings');
    const [name] = await waitFor(async () => {
      const names = (await readdir(recordings).catch(() => [])).filter((n) => n.endsWith('.wav'));
      return names.length ? names : undefined;
    }, 'the recording', 20_000);
    const info = await soxInfo(join(recordings, name!));
    assert.deepEqual([info.sampleRate, info.channels, info.bitsPerSample, info.frames], [48000, 2, 16, 60 * 48000]);
    await job.waitFor(/reason: 'max-duration'/);
  });
});
