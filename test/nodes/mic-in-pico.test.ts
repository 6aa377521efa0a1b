/**
 * mic-in with source 'pico' through a pico-device config node, into wav-writer, against the
 * simulated Pico (the real firmware under MicroPython, test/support/pico-sim) on a socat pty that
 * the config node opens with serialport, as it would a Pico's /dev/ttyACM0.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { NodeMessage } from 'node-red';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { AudioChunkInfo } from '../../src/lib/contract/audio-chunk';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { readWavInfo } from '../../src/lib/wav/header';
import type { PicoDeviceApi } from '../../src/nodes/pico-device/pico-device-api';
import { FlowNode, helper, MessageLog, micInNode, onCall, picoDeviceNode, TestNode, wavWriterNode } from '../support/node-red';
import { patternSample, type PicoSimulation, startPicoSimulation } from '../support/pico-sim/index';
import { waitFor } from '../support/wait';

type FinishedMsg = NodeMessage & { payload: string; recording: RecordingInfo };
type ChunkMsg = NodeMessage & { payload: Buffer; audio: AudioChunkInfo };

const RATE = 22050;
/** The simulated Pico runs (and its microphone delivers) this many times faster than real time. */
const SPEED = 2;

async function wavData(path: string): Promise<Buffer> {
  return (await readFile(path)).subarray((await readWavInfo(path)).dataOffset);
}

/** The first n samples of the simulated microphone, as the host delivers them: 18-bit values at the top of 32-bit samples. */
function expectedPcm(frames: number, from = 0): Buffer {
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) pcm.writeInt32LE(patternSample(from + i, RATE) * 2 ** 14, i * 4);
  return pcm;
}

function firstDifference(actual: Buffer, expected: Buffer): number {
  return actual.findIndex((byte, i) => byte !== expected[i]);
}

describe('mic-in from a Raspberry Pi Pico through pico-device (simulated Pico on a pty)', () => {
  let dir: string;
  let sim: PicoSimulation;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mic-in-pico-'));
    sim = await startPicoSimulation({ dir: join(dir, 'pty'), rate: RATE, speed: SPEED });
  });
  afterEach(() => helper.unload());
  after(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function load(micProps: Record<string, unknown>) {
    const flow: FlowNode[] = [
      { id: 'f1', type: 'tab' },
      { id: 'pico', type: 'pico-device', port: sim.hostPath, baud: 115200, firmware: 'warn' },
      { id: 'mic', z: 'f1', type: 'mic-in', source: 'pico', pico: 'pico', sampleRate: RATE, chunkMs: 50, wires: [['writer', 'chunks']], ...micProps },
      { id: 'writer', z: 'f1', type: 'wav-writer', directory: join(dir, 'rec'), pattern: 'take-{counter}', refresh: 0.2, wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'chunks', z: 'f1', type: 'helper' },
    ];
    await helper.load([picoDeviceNode, micInNode, wavWriterNode], flow);
    const device = helper.getNode('pico') as unknown as PicoDeviceApi;
    const mic = helper.getNode('mic') as TestNode;
    const statuses: { text?: string }[] = [];
    onCall<{ text?: string }>(mic, 'status', (status) => statuses.push(status));
    return { device, mic, statuses, out: new MessageLog<FinishedMsg>(helper.getNode('out')), chunks: new MessageLog<ChunkMsg>(helper.getNode('chunks')) };
  }

  const connected = (device: PicoDeviceApi) => waitFor(() => (device.status().state === 'connected' ? true : undefined), 'the Pico to connect', 10_000);

  it('records the microphone exactly: 18-bit samples at the top of 32-bit PCM, named as the Pico source', async () => {
    const { device, mic, statuses, out, chunks } = await load({ maxDuration: 1 });
    await connected(device);
    assert.equal(device.status().text, `${sim.hostPath}: pico-mic 1.0.0`);
    await waitFor(() => statuses.find((status) => status.text === 'mic-in.status.idle.pico'), 'the idle status naming the Pico');
    mic.receive({ payload: 'start' });
    const { recording } = await out.next(() => true, 10_000);
    assert.equal(recording.reason, 'max-duration');
    assert.equal(recording.frames, RATE);
    assert.equal(recording.dropped, 0);
    assert.deepEqual(recording.format, { sampleRate: RATE, channels: 1, bitDepth: 32, encoding: 'signed', validBits: 18 });
    assert.equal((await readWavInfo(recording.path)).format.validBits, 18);
    const data = await wavData(recording.path);
    assert.equal(firstDifference(data, expectedPcm(RATE)), -1, 'the WAV holds the microphone samples from the first one');
    assert.deepEqual(chunks.messages[0]!.audio.source, { kind: 'pico', device: sim.hostPath });
  });

  it('converts to 16 bits with the DC blocker: the SPH0645 offset goes, the signal stays', async () => {
    const { device, mic, out } = await load({ maxDuration: 1, outBitDepth: '16', dcBlock: true, dcBlockHz: 10 });
    await connected(device);
    mic.receive({ payload: 'start' });
    const { recording } = await out.next(() => true, 10_000);
    assert.deepEqual(recording.format, { sampleRate: RATE, channels: 1, bitDepth: 16, encoding: 'signed' });
    const data = await wavData(recording.path);
    assert.equal(data.length, RATE * 2);
    // After the filter has settled (a 10 Hz blocker: well within 0.2 s), over whole sine periods.
    const settled = Array.from({ length: RATE / 2 }, (_, i) => data.readInt16LE((RATE / 2 + i) * 2));
    const mean = settled.reduce((sum, v) => sum + v, 0) / settled.length;
    const rms = Math.sqrt(settled.reduce((sum, v) => sum + (v - mean) ** 2, 0) / settled.length);
    // In 16-bit units the offset is -12000 / 4 = -3000 and the sine's amplitude 50000 / 4 = 12500 (RMS 8839).
    assert.ok(Math.abs(mean) < 150, `DC removed: mean ${mean.toFixed(1)} (the raw offset is about -3000)`);
    assert.ok(Math.abs(rms - 8839) < 400, `the signal kept: RMS ${rms.toFixed(0)}, expected about 8839`);
    const raw = expectedPcm(RATE).readInt32LE((RATE - 1) * 4) / 2 ** 16;
    assert.ok(Math.abs(data.readInt16LE((RATE - 1) * 2) - (raw + 3000)) < 300, 'each sample is the raw one less the offset');
  });

  it('listens with a pre-roll continuous with the live audio, and listens again after the Pico was away', async () => {
    const { device, mic, out, chunks, statuses } = await load({ keepOpen: true, preRoll: 0.5, maxDuration: 0.5 });
    await connected(device);
    await waitFor(() => statuses.find((status) => status.text === 'mic-in.status.listening'), 'mic-in to listen');
    await new Promise((resolve) => setTimeout(resolve, 700));
    mic.receive({ payload: 'start' });
    const { recording } = await out.next(() => true, 10_000);
    const start = chunks.messages.find((msg) => msg.audio.event === 'start')!;
    assert.equal(start.payload.length, (RATE / 2) * 4, 'the start chunk carries half a second of pre-roll');
    assert.equal(recording.frames, RATE, 'pre-roll and the maximum duration');
    assert.ok(chunks.messages.filter((msg) => msg.audio.event === 'data').every((msg) => msg.audio.level !== undefined), 'levels on the chunks');
    const data = await wavData(recording.path);
    // The stream began when mic-in started listening: find where the file begins in it, then every sample follows on.
    const first = data.readInt32LE(0);
    const offset = Array.from({ length: RATE * 10 }, (_, n) => n).find((n) => patternSample(n, RATE) * 2 ** 14 === first && firstDifference(data.subarray(0, 400), expectedPcm(100, n)) === -1);
    assert.ok(offset !== undefined && offset >= RATE / 2, `the file starts ${offset} samples into the stream`);
    assert.equal(firstDifference(data, expectedPcm(RATE, offset)), -1, 'no gap or repeat between pre-roll and live audio');

    statuses.length = 0;
    await sim.close();
    await waitFor(() => statuses.find((status) => status.text?.startsWith('Pico: ')), 'mic-in to show the Pico is away');
    sim = await startPicoSimulation({ dir: join(dir, 'pty'), rate: RATE, speed: SPEED });
    await waitFor(() => statuses.find((status) => status.text === 'mic-in.status.listening'), 'mic-in to listen again', 15_000);
  });

  it('ends the recording with device-lost when the Pico is unplugged, and reconnects when it is back', async () => {
    const { device, mic, out, statuses } = await load({});
    await connected(device);
    mic.receive({ payload: 'start' });
    const partials = join(dir, 'rec', '.partial', 'writer');
    await waitFor(async () => {
      const [name] = await readdir(partials).catch(() => []);
      return name ? true : undefined;
    }, 'the file to be started');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await sim.close();
    const { recording } = await out.next(() => true, 10_000);
    assert.equal(recording.reason, 'device-lost');
    assert.ok(recording.frames > RATE * 0.3, `${recording.frames} frames before the unplug`);
    const data = await wavData(recording.path);
    assert.equal(firstDifference(data, expectedPcm(recording.frames)), -1, 'the file keeps every sample up to the unplug');
    await waitFor(() => (device.status().state === 'disconnected' ? true : undefined), 'the Pico to count as gone');
    await waitFor(() => statuses.find((status) => status.text?.startsWith('Pico: ')), 'mic-in to show the Pico is away');

    // Plugged in again: a new simulated Pico on the same path.
    sim = await startPicoSimulation({ dir: join(dir, 'pty'), rate: RATE, speed: SPEED });
    await connected(device);
    mic.receive({ payload: 'start', maxDuration: 0.5 });
    const again = await out.next((msg) => msg !== out.messages[0], 10_000);
    assert.equal(again.recording.reason, 'max-duration');
    assert.equal(firstDifference(await wavData(again.recording.path), expectedPcm(RATE / 2)), -1, 'recording again, exactly');
  });
});

describe('mic-in with source pico, misconfigured or with the Pico away', () => {
  afterEach(() => helper.unload());

  it('refuses a start while the Pico is not connected, saying why, and shows the Pico\'s state', async () => {
    const absent = join(tmpdir(), 'mic-in-pico-absent', 'host');
    const flow: FlowNode[] = [
      { id: 'pico', type: 'pico-device', port: absent, baud: 115200, firmware: 'warn' },
      { id: 'mic', type: 'mic-in', source: 'pico', pico: 'pico', sampleRate: RATE, wires: [] },
    ];
    await helper.load([picoDeviceNode, micInNode], flow);
    const mic = helper.getNode('mic') as TestNode;
    const statuses: { text?: string }[] = [];
    onCall<{ text?: string }>(mic, 'status', (status) => statuses.push(status));
    await waitFor(() => statuses.find((status) => status.text === `Pico: waiting for ${absent} (not plugged in?)`), 'mic-in to show the Pico is away');
    const errors: string[] = [];
    onCall<string | Error>(mic, 'error', (err) => errors.push(String(err)));
    mic.receive({ payload: 'start' });
    assert.equal(await waitFor(() => errors[0], 'the refusal'), `Error: ${absent}: the Pico is not connected (waiting for ${absent} (not plugged in?))`);
  });

  for (const [what, props, message] of [
    ['no Pico chosen', {}, /no Pico chosen: pick a pico-device/],
    ['a Pico that is not deployed', { pico: 'gone' }, /the Pico chosen \(gone\) is not deployed/],
    ['a rate the firmware does not take', { pico: 'gone', sampleRate: 96000 }, /sample rate must be a number from 8000 to 48000/],
  ] as const) {
    it(`says so for ${what}, and refuses commands`, async () => {
      const flow: FlowNode[] = [{ id: 'mic', type: 'mic-in', source: 'pico', wires: [], ...props }];
      await helper.load([picoDeviceNode, micInNode], flow);
      const mic = helper.getNode('mic') as TestNode;
      // The configuration error was reported while the node started; a command is answered with it too.
      const refused = new Promise<string>((resolve) => onCall<string | Error>(mic, 'error', (err) => resolve(String(err))));
      mic.receive({ payload: 'start' });
      assert.match(await refused, message);
    });
  }
});
