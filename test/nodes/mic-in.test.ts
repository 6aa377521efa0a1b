import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { afterEach, describe, it } from 'node:test';
import { AudioChunkInfo } from '../../src/lib/contract/audio-chunk';
import { TestSignalGenerator } from '../../src/lib/audio/test-signal';
import { helper, MessageLog, micInNode, onCall, TestNode } from '../support/node-red';
import { sleep, waitFor } from '../support/wait';

type ChunkMsg = NodeMessage & { payload: Buffer; audio: AudioChunkInfo; filename?: string };
type ErrorMsg = NodeMessage & { error: { message: string } };

function flow(props: Record<string, unknown> = {}) {
  return [
    { id: 'f1', type: 'tab' },
    { id: 'mic', z: 'f1', type: 'mic-in', source: 'test', sampleRate: 16000, channels: 2, sampleFormat: 'S16_LE', waveform: 'sine', frequency: 500, level: -6, chunkMs: 50, maxDuration: 0, topic: 'kitchen', wires: [['out']], ...props },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['errors']] },
    { id: 'errors', z: 'f1', type: 'helper' },
  ];
}

async function load(props: Record<string, unknown> = {}) {
  await helper.load(micInNode, flow(props));
  const mic = helper.getNode('mic') as TestNode;
  const out = new MessageLog<ChunkMsg>(helper.getNode('out'));
  const errors = new MessageLog<ErrorMsg>(helper.getNode('errors'));
  return { mic, out, errors };
}

describe('mic-in node', () => {
  afterEach(() => helper.unload());

  it('records the test signal between start and stop, per the audio chunk contract', async () => {
    const { mic, out } = await load();
    mic.receive({ payload: 'start', filename: 'take.wav' });
    await sleep(300);
    mic.receive({ payload: 'stop' });
    await out.next((m) => m.audio.event === 'end');

    const chunks = out.messages;
    const session = chunks[0]!.audio.session;
    assert.equal(chunks[0]!.audio.event, 'start');
    assert.equal(chunks[0]!.filename, 'take.wav');
    assert.equal(chunks.at(-1)!.audio.reason, 'stop');
    let frame = 0;
    for (const [seq, chunk] of chunks.entries()) {
      assert.equal(chunk.topic, 'kitchen');
      assert.equal(chunk.audio.session, session);
      assert.equal(chunk.audio.seq, seq);
      assert.equal(chunk.audio.frame, frame, 'no gap and no overlap in the frame timeline');
      assert.ok(Buffer.isBuffer(chunk.payload));
      assert.equal(chunk.payload.length % 4, 0, 'whole frames');
      assert.deepEqual(chunk.audio.format, { sampleRate: 16000, channels: 2, bitDepth: 16, encoding: 'signed' });
      assert.equal(chunk.audio.source.kind, 'test');
      assert.equal(chunk.audio.dropped, 0);
      frame += chunk.payload.length / 4;
    }
    const data = chunks.filter((c) => c.audio.event === 'data');
    assert.ok(data.length >= 4, `${data.length} data chunks in 300 ms`);
    assert.ok(data.every((c) => c.payload.length === 800 * 4), 'data chunks are 50 ms each');
    assert.ok(Math.abs(data[0]!.audio.level!.peakDbfs + 6) < 0.1);

    const expected = new TestSignalGenerator(chunks[0]!.audio.format, { waveform: 'sine', frequency: 500, levelDbfs: -6 }).next(frame);
    assert.deepEqual(Buffer.concat(chunks.map((c) => c.payload)), expected, 'the audio is the configured test signal, sample for sample');
  });

  it('accepts toggle, true and false and msg.command', async () => {
    const { mic, out } = await load();
    mic.receive({ payload: 'toggle' });
    await out.next((m) => m.audio.event === 'start');
    mic.receive({ payload: 'ignored', command: 'toggle' });
    await out.next((m) => m.audio.event === 'end');
    mic.receive({ payload: true });
    await out.next((m) => m.audio.event === 'start', 2000, 2);
    mic.receive({ payload: false });
    await out.next((m) => m.audio.event === 'end', 2000, 3);
    assert.equal(new Set(out.messages.map((m) => m.audio.session)).size, 2);
  });

  it('stops by itself at the maximum duration, which a start message can override', async () => {
    const { mic, out } = await load({ maxDuration: 0.2 });
    mic.receive({ payload: 'start' });
    const end = await out.next((m) => m.audio.event === 'end');
    assert.equal(end.audio.reason, 'max-duration');
    assert.equal(end.audio.frame + end.payload.length / 4, 3200, 'exactly 0.2 s of frames');

    mic.receive({ payload: 'start', maxDuration: 0.1 });
    const second = await out.next((m) => m.audio.event === 'end' && m.audio.session !== end.audio.session);
    assert.equal(second.audio.frame + second.payload.length / 4, 1600);
  });

  it('rejects an unknown command with an error a Catch node sees, and keeps working', async () => {
    const { mic, out, errors } = await load();
    mic.receive({ payload: 'record' });
    const caught = await errors.next();
    assert.match(caught.error.message, /expected "start", "stop", "toggle", true or false/);
    mic.receive({ payload: 'start', maxDuration: -5 });
    assert.match((await errors.next(() => true, 2000, 1)).error.message, /maxDuration/);
    mic.receive({ payload: 'start' });
    await out.next((m) => m.audio.event === 'start');
  });

  it('shows idle, then the elapsed time while recording, with status text as i18n keys', async () => {
    const { mic, out } = await load();
    const statuses: { text?: string; fill?: string }[] = [];
    onCall<{ text?: string; fill?: string }>(mic, 'status', (status) => statuses.push(status));
    mic.receive({ payload: 'start' });
    await waitFor(() => statuses.find((s) => /^0:00/.test(s.text ?? '')), 'an elapsed-time status');
    mic.receive({ payload: 'stop' });
    await out.next((m) => m.audio.event === 'end');
    await waitFor(() => statuses.find((s) => s.text === 'mic-in.status.idle.test'), 'the idle status');
  });

  it('listens from deploy on and begins a recording with the pre-roll, continuous with the live audio', async () => {
    const { mic, out } = await load({ waveform: 'noise', keepOpen: true, preRoll: 0.2 });
    const statuses: { text?: string }[] = [];
    onCall<{ text?: string }>(mic, 'status', (status) => statuses.push(status));
    await waitFor(() => statuses.find((s) => s.text === 'mic-in.status.listening'), 'the listening status');
    await sleep(400);
    mic.receive({ payload: 'start' });
    await out.next((m) => m.audio.event === 'data');
    mic.receive({ payload: 'stop' });
    const end = await out.next((m) => m.audio.event === 'end');
    const start = out.messages[0]!;
    assert.equal(start.payload.length, 0.2 * 16000 * 4, 'the start chunk carries 0.2 s of pre-roll');
    const recorded = Buffer.concat(out.messages.map((m) => m.payload));
    assert.equal(recorded.length / 4, end.audio.frame + end.payload.length / 4);
    // The noise generator is deterministic: the recording is one unbroken stretch of its output.
    const generated = new TestSignalGenerator(start.audio.format, { waveform: 'noise', frequency: 500, levelDbfs: -6 }).next(32000);
    const offset = generated.indexOf(recorded.subarray(0, 64));
    assert.ok(offset > 0 && offset % 4 === 0, `the pre-roll is found in the signal (at byte ${offset})`);
    assert.ok(generated.subarray(offset, offset + recorded.length).equals(recorded), 'no gap and no repeat between pre-roll and live audio');
  });

  it('refuses a bad configuration with a red status and errors on input', async () => {
    const { mic, errors } = await load({ sampleRate: 'fast' });
    mic.receive({ payload: 'start' });
    assert.match((await errors.next()).error.message, /sample rate/);
  });

  it('refuses start on sound without listen, and a silence threshold out of range', async () => {
    for (const [config, expected] of [
      [{ startOnSound: true }, /start on sound needs "Listen"/],
      [{ silenceStop: true, silenceThreshold: 3 }, /silence threshold/],
    ] as const) {
      const { mic, errors } = await load(config);
      mic.receive({ payload: 'start' });
      assert.match((await errors.next()).error.message, expected);
      await helper.unload();
    }
  });

  it('ends a recording with reason close on redeploy', async () => {
    const { mic, out } = await load();
    mic.receive({ payload: 'start' });
    await out.next((m) => m.audio.event === 'data');
    const ends: ChunkMsg[] = [];
    onCall<ChunkMsg>(mic, 'send', (msg) => ends.push(msg));
    await helper.setFlows(flow({ frequency: 600 }), 'full');
    const end = await waitFor(() => ends.find((m) => m.audio.event === 'end'), 'the end chunk');
    assert.equal(end.audio.reason, 'close');
  });
});
