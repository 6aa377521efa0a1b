import assert from 'node:assert/strict';
import { readdir, readFile, readlink, rm, mkdtemp } from 'node:fs/promises';
import type { NodeMessage } from 'node-red';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { AudioFormat } from '../../src/lib/audio/format';
import { AudioChunkInfo } from '../../src/lib/contract/audio-chunk';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { readWavInfo } from '../../src/lib/wav/header';
import { AlsaStandIn } from '../support/alsa-stand-in';
import { buildShim } from '../support/native-shim';
import { FlowNode, helper, MessageLog, micInNode, onCall, TestNode, wavWriterNode } from '../support/node-red';
import { sleep, waitFor } from '../support/wait';

type FinishedMsg = NodeMessage & { recording: RecordingInfo };
type ChunkMsg = NodeMessage & { payload: Buffer; audio: AudioChunkInfo };
type ErrorMsg = NodeMessage & { error: { message: string } };

const devices: { name: string; format: AudioFormat }[] = [
  { name: 'mono16k', format: { sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'signed' } },
  { name: 'stereo48k', format: { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' } },
  { name: 'matrix96k', format: { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' } },
];
const SECONDS = 2;
const sampleFormat = (format: AudioFormat) => (format.bitDepth === 32 ? 'S32_LE' : 'S16_LE');

/** Child processes of this process running `name`: what a capture may leave behind. */
async function childProcesses(name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(join('/proc', entry, 'stat'), 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
    if (match?.[1] === name && Number(match[2]) === process.pid) pids.push(Number(entry));
  }
  return pids;
}

async function openFds(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  return Promise.all(fds.map((fd) => readlink(join('/proc/self/fd', fd)).catch(() => 'gone')));
}

for (const backend of ['arecord', 'portaudio'] as const) {
describe(`mic-in capturing from ALSA through ${backend} (stand-in devices)`, () => {
  let standIn: AlsaStandIn;
  let dir: string;

  before(async () => {
    standIn = await AlsaStandIn.create([
      ...devices.map((d) => ({ ...d, seconds: SECONDS })),
      // PortAudio opens every device while it lists them, and would wait forever on a FIFO nobody feeds.
      ...(backend === 'arecord' ? [{ name: 'quiet', format: devices[0]!.format, seconds: 0, fifo: true }] : []),
    ]);
    process.env.ALSA_CONFIG_PATH = standIn.configPath;
  });
  after(() => standIn.dispose());
  afterEach(async () => {
    await helper.unload();
    delete process.env.LD_PRELOAD;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function load(mic: Record<string, unknown>, withWriter = true) {
    dir = await mkdtemp(join(tmpdir(), 'mic-in-alsa-'));
    const flow: FlowNode[] = [
      { id: 'f1', type: 'tab' },
      { id: 'mic', z: 'f1', type: 'mic-in', source: 'alsa', backend, chunkMs: 50, topic: 'audio', wires: [withWriter ? ['writer'] : ['chunks']], ...mic },
      { id: 'writer', z: 'f1', type: 'wav-writer', directory: dir, pattern: 'take-{counter}', refresh: 1, wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'chunks', z: 'f1', type: 'helper' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['errors']] },
      { id: 'errors', z: 'f1', type: 'helper' },
    ];
    await helper.load([micInNode, wavWriterNode], flow);
    return {
      mic: helper.getNode('mic') as TestNode,
      out: new MessageLog<FinishedMsg>(helper.getNode('out')),
      chunks: new MessageLog<ChunkMsg>(helper.getNode('chunks')),
      errors: new MessageLog<ErrorMsg>(helper.getNode('errors')),
    };
  }

  for (const { name, format } of devices) {
    it(`records ${format.channels} ch ${format.sampleRate} Hz ${format.bitDepth}-bit byte for byte from the first frame`, async () => {
      const seconds = 0.5;
      const { mic, out } = await load({ device: name, sampleRate: format.sampleRate, channels: format.channels, sampleFormat: sampleFormat(format), maxDuration: seconds });
      mic.receive({ payload: 'start' });
      const { recording } = await out.next(() => true, 10_000);
      const frames = seconds * format.sampleRate;
      assert.equal(recording.frames, frames);
      assert.equal(recording.reason, 'max-duration');
      const info = await readWavInfo(recording.path);
      const data = (await readFile(recording.path)).subarray(info.dataOffset);
      const expected = (await standIn.pcm(name)).subarray(0, data.length);
      assert.equal(data.length, frames * (format.bitDepth / 8) * format.channels);
      const firstDifference = data.findIndex((byte, i) => byte !== expected[i]);
      assert.equal(firstDifference, -1, `the WAV holds exactly what the device delivered (first difference at byte ${firstDifference} of ${data.length})`);
    });
  }

  it('names the backend in the status and in each chunk', async () => {
    const { mic, chunks } = await load({ device: 'mono16k', sampleRate: 16000, maxDuration: 0.2 }, false);
    const statuses: { text?: string }[] = [];
    onCall<{ text?: string }>(mic, 'status', (s) => statuses.push(s));
    mic.receive({ payload: 'start' });
    await chunks.next((m) => m.audio.event === 'end');
    assert.deepEqual(chunks.messages[1]!.audio.source, { kind: 'alsa', device: 'mono16k', backend });
    await waitFor(() => statuses.find((s) => s.text === `mic-in.status.idle.${backend}`), `the idle status naming ${backend}`);
  });

  it('reports a device that does not exist, and keeps working', async () => {
    const { mic, errors, chunks } = await load({ device: 'nosuch', sampleRate: 16000 }, false);
    mic.receive({ payload: 'start' });
    assert.match((await errors.next()).error.message, /nosuch/);
    assert.deepEqual(await childProcesses('arecord'), []);
    assert.equal(chunks.messages.length, 0);
  });

  it('converts on the way out: 2 of 8 channels, 32 to 16 bits', async () => {
    const { mic, out } = await load({ device: 'matrix96k', sampleRate: 96000, channels: 8, sampleFormat: 'S32_LE', maxDuration: 0.1, outChannels: '2,1', outBitDepth: '16' });
    mic.receive({ payload: 'start' });
    const { recording } = await out.next(() => true, 10_000);
    assert.deepEqual(recording.format, { sampleRate: 96000, channels: 2, bitDepth: 16, encoding: 'signed' });
    const info = await readWavInfo(recording.path);
    const data = (await readFile(recording.path)).subarray(info.dataOffset);
    const captured = await standIn.pcm('matrix96k');
    assert.equal(data.length, 9600 * 4);
    for (const frame of [0, 1, 4800, 9599]) {
      for (const [out, from] of [[0, 1], [1, 0]] as const) {
        const sample = captured.readInt32LE((frame * 8 + from) * 4) / 65536;
        const rounded = Math.min(32767, Math.round(sample) - (Math.abs(sample % 1) === 0.5 && Math.round(sample) % 2 !== 0 ? 1 : 0));
        assert.equal(data.readInt16LE((frame * 2 + out) * 2), rounded, `frame ${frame} channel ${out + 1}`);
      }
    }
  });

  // arecord only: a shell-level stand-in (LD_PRELOAD, a process to kill) does not reach PortAudio in this process.
  if (backend === 'arecord') {
    it('waits for a busy device that frees up, and gives up with a clear error on one that stays busy', async () => {
      const shims = await mkdtemp(join(tmpdir(), 'shim-'));
      process.env.LD_PRELOAD = await buildShim('ebusy-shim', shims);
      process.env.EBUSY_PATH = standIn.infile('mono16k');
      process.env.EBUSY_TALLY = join(shims, 'tally');
      process.env.EBUSY_TIMES = '2';
      try {
        const { mic, out, errors } = await load({ device: 'mono16k', sampleRate: 16000, maxDuration: 0.1 });
        mic.receive({ payload: 'start' });
        assert.equal((await out.next(() => true, 10_000)).recording.frames, 1600, 'recorded after two busy attempts');
        delete process.env.EBUSY_TIMES;
        mic.receive({ payload: 'start' });
        assert.match((await errors.next(() => true, 10_000)).error.message, /busy/i);
      } finally {
        delete process.env.LD_PRELOAD;
        delete process.env.EBUSY_PATH;
        delete process.env.EBUSY_TALLY;
        delete process.env.EBUSY_TIMES;
        await rm(shims, { recursive: true, force: true });
      }
    });
  }

  // arecord only: a shell-level stand-in (LD_PRELOAD, a process to kill) does not reach PortAudio in this process.
  if (backend === 'arecord') {
    it('ends the recording with reason device-lost when the capture dies, and keeps the file', async () => {
      const { mic, out, errors } = await load({ device: 'quiet', sampleRate: 16000 });
      mic.receive({ payload: 'start' });
      const line = await standIn.feed('quiet');
      await line.write(Buffer.alloc(3200)); // 100 ms of audio arrives, then the device goes away
      const [pid] = await waitFor(async () => ((await childProcesses('arecord')).length ? childProcesses('arecord') : undefined), 'arecord running');
      await sleep(200);
      process.kill(pid!, 'SIGKILL');
      const { recording } = await out.next(() => true, 10_000);
      assert.equal(recording.reason, 'device-lost');
      assert.equal(recording.frames, 1600);
      assert.match((await errors.next()).error.message, /quiet/);
      await line.close();
    });
  }


  // arecord only: a shell-level stand-in (LD_PRELOAD, a process to kill) does not reach PortAudio in this process.
  if (backend === 'arecord') {
    it('releases the device on redeploy mid-capture', async () => {
      const { mic, chunks } = await load({ device: 'quiet', sampleRate: 16000 }, false);
      mic.receive({ payload: 'start' });
      const line = await standIn.feed('quiet');
      await chunks.next((m) => m.audio.event === 'start');
      await helper.setFlows([{ id: 'f1', type: 'tab' }], 'full');
      assert.deepEqual(await childProcesses('arecord'), [], 'no arecord left running');
      await line.close();
    });

    it('gives up a device that is still opening on redeploy, instead of waiting for it', async () => {
      const { mic } = await load({ device: 'quiet', sampleRate: 16000 }, false);
      mic.receive({ payload: 'start' }); // nobody feeds the line: arecord hangs opening it
      await waitFor(async () => ((await childProcesses('arecord')).length ? true : undefined), 'arecord running');
      const started = Date.now();
      await helper.setFlows([{ id: 'f1', type: 'tab' }], 'full');
      await waitFor(async () => ((await childProcesses('arecord')).length === 0 ? true : undefined), 'arecord gone', 3000);
      assert.ok(Date.now() - started < 3000);
    });
  }

  it('starts and stops 50 times without leaking processes or file descriptors', async () => {
    const { mic, chunks } = await load({ device: 'stereo48k', sampleRate: 48000, channels: 2 }, false);
    const fdsBefore = (await openFds()).length;
    for (let cycle = 0; cycle < 50; cycle++) {
      mic.receive({ payload: 'start', maxDuration: 0.02 });
      await chunks.next((m) => m.audio.event === 'end' && m.audio.seq > 0, 5000, chunks.messages.length);
    }
    const ends = chunks.messages.filter((m) => m.audio.event === 'end');
    assert.equal(ends.length, 50);
    assert.ok(ends.every((m) => m.audio.reason === 'max-duration' && m.audio.frame + m.payload.length / 4 === 960));
    await waitFor(async () => ((await childProcesses('arecord')).length === 0 ? true : undefined), 'every arecord gone');
    const fdsAfter = await openFds();
    assert.ok(fdsAfter.length <= fdsBefore + 2, `file descriptors: ${fdsBefore} before, ${fdsAfter.length} after`);
  });
});
}
