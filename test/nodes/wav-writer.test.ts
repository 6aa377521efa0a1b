import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { NodeMessage } from 'node-red';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AudioFormat } from '../../src/lib/audio/format';
import { AudioChunkInfo, EndReason } from '../../src/lib/contract/audio-chunk';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { buildWavHeader, readWavInfo } from '../../src/lib/wav/header';
import { TestSignalGenerator } from '../../src/lib/audio/test-signal';
import { countingPcm16 } from '../support/scripted-source';
import { soxDecode, soxInfo, wavefileInfo } from '../support/wav-readers';
import { FlowNode, helper, MessageLog, micInNode, onCall, TestNode, wavWriterNode } from '../support/node-red';
import { pcmOf, stereo16 } from '../support/sd-card-flow';
import { sleep, waitFor } from '../support/wait';

type FinishedMsg = NodeMessage & { payload: string; recording: RecordingInfo };
type ErrorMsg = NodeMessage & { error: { message: string } };

const run = promisify(execFile);

let dir: string;

function flow(props: Record<string, unknown> = {}) {
  return [
    { id: 'f1', type: 'tab' },
    { id: 'writer', z: 'f1', type: 'wav-writer', directory: dir, pattern: 'take-{counter}.wav', maxDuration: 0, maxSize: 0, refresh: 0.1, fileLimit: 'none', wires: [['out']], ...props },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['errors']] },
    { id: 'errors', z: 'f1', type: 'helper' },
  ];
}

async function load(props: Record<string, unknown> = {}, nodes = [wavWriterNode], extra: FlowNode[] = []) {
  await helper.load(nodes, [...flow(props), ...extra]);
  const writer = helper.getNode('writer') as TestNode;
  const out = new MessageLog<FinishedMsg>(helper.getNode('out'));
  const errors = new MessageLog<ErrorMsg>(helper.getNode('errors'));
  return { writer, out, errors };
}

/** Sends a session's chunks as mic-in would: start, data of `frames` each, end. */
function chunks(session: string, payloads: Buffer[], format = stereo16, reason: EndReason = 'stop') {
  const frameBytes = (format.bitDepth / 8) * format.channels;
  const messages: { payload: Buffer; audio: Partial<AudioChunkInfo> & { event: string } }[] = [];
  let frame = 0;
  messages.push({ payload: Buffer.alloc(0), audio: { session, seq: 0, frame: 0, format, source: { kind: 'test', device: 't' }, event: 'start', dropped: 0 } });
  for (const payload of payloads) {
    messages.push({ payload, audio: { session, seq: messages.length, frame, format, source: { kind: 'test', device: 't' }, event: 'data', dropped: 0 } });
    frame += payload.length / frameBytes;
  }
  messages.push({ payload: Buffer.alloc(0), audio: { session, seq: messages.length, frame, format, source: { kind: 'test', device: 't' }, event: 'end', reason, dropped: 0 } });
  return messages;
}

async function publishedFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.wav')).sort();
}

describe('wav-writer node', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-writer-'));
  });
  afterEach(async () => {
    await helper.unload();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a session to a WAV file and sends the recording finished message', async () => {
    const { writer, out } = await load();
    const pcm = countingPcm16(0, 4000);
    for (const msg of chunks('s1', [pcm.subarray(0, 4000), pcm.subarray(4000)])) writer.receive(msg);
    const finished = await out.next();
    const { recording } = finished;
    assert.equal(finished.payload, join(dir, 'take-1.wav'));
    assert.equal(recording.path, finished.payload);
    assert.equal(recording.session, 's1');
    assert.equal(recording.frames, 2000);
    assert.equal(recording.durationMs, 250);
    assert.equal(recording.reason, 'stop');
    assert.equal(recording.container, 'wav');
    assert.equal(recording.dropped, 0);
    assert.deepEqual(recording.format, stereo16);
    assert.ok(Date.parse(recording.endedAt) >= Date.parse(recording.startedAt));
    assert.deepEqual(await pcmOf(recording.path), pcm);
    assert.deepEqual((await soxDecode(recording.path)).pcm, pcm, 'sox decodes the same samples');
    const wav = await wavefileInfo(recording.path);
    assert.deepEqual([wav.audioFormat, wav.numChannels, wav.sampleRate, wav.bitsPerSample], [1, 2, 8000, 16]);
    assert.deepEqual(wav.data, pcm, 'wavefile finds the same data');
    assert.equal(recording.bytes, (await readFile(recording.path)).length);
    assert.deepEqual(await publishedFiles(), ['take-1.wav']);
    assert.deepEqual(await readdir(join(dir, '.partial', 'writer')), [], 'nothing left in the partial folder');
  });

  it('records what mic-in sends, end to end in one flow', async () => {
    const extra = [
      { id: 'mic', z: 'f1', type: 'mic-in', source: 'test', sampleRate: 22050, channels: 1, sampleFormat: 'S24_3LE', waveform: 'noise', level: -20, chunkMs: 20, maxDuration: 0.3, topic: 'audio', wires: [['writer']] },
    ];
    const { out } = await load({}, [micInNode, wavWriterNode], extra);
    (helper.getNode('mic') as TestNode).receive({ payload: 'start', filename: 'named' });
    const { recording } = await out.next();
    assert.equal(recording.path, join(dir, 'named.wav'));
    assert.equal(recording.frames, 6615, '0.3 s at 22050 Hz');
    assert.equal(recording.reason, 'max-duration');
    const info = await readWavInfo(recording.path);
    assert.deepEqual(info.format, { sampleRate: 22050, channels: 1, bitDepth: 24, encoding: 'signed' });
  });

  it('writes 8 channels of 32-bit from mic-in as WAVE_FORMAT_EXTENSIBLE that sox and wavefile read', async () => {
    const extra = [
      { id: 'mic', z: 'f1', type: 'mic-in', source: 'test', sampleRate: 96000, channels: 8, sampleFormat: 'S32_LE', waveform: 'sine', frequency: 1000, level: -3, chunkMs: 100, maxDuration: 0.25, topic: 'audio', wires: [['writer']] },
    ];
    const { out } = await load({}, [micInNode, wavWriterNode], extra);
    (helper.getNode('mic') as TestNode).receive({ payload: 'start' });
    const { recording } = await out.next();
    assert.equal(recording.frames, 24000);
    const sox = await soxInfo(recording.path);
    assert.deepEqual([sox.sampleRate, sox.channels, sox.bitsPerSample, sox.frames], [96000, 8, 32, 24000]);
    const wav = await wavefileInfo(recording.path);
    assert.deepEqual([wav.audioFormat, wav.fmtChunkSize, wav.cbSize, wav.validBitsPerSample, wav.numChannels], [0xfffe, 40, 22, 32, 8]);
    const expected = new TestSignalGenerator(recording.format, { waveform: 'sine', frequency: 1000, levelDbfs: -3 }).next(24000);
    assert.deepEqual(wav.data, expected, 'the test signal, sample for sample');
  });

  it('finishes the file on a stop control message, and refuses start', async () => {
    const { writer, out, errors } = await load();
    const [start, data] = chunks('s1', [countingPcm16(0, 800)]);
    writer.receive(start!);
    writer.receive(data!);
    writer.receive({ payload: 'stop' });
    const { recording } = await out.next();
    assert.equal(recording.reason, 'stop');
    assert.equal(recording.frames, 400);
    writer.receive({ payload: 'start' });
    assert.match((await errors.next()).error.message, /wav-writer.errors.startCommand/);
  });

  it('refuses a message that is neither an audio chunk nor a control command, and keeps recording', async () => {
    const { writer, out, errors } = await load();
    const msgs = chunks('s1', [countingPcm16(0, 400), countingPcm16(400, 400)]);
    writer.receive(msgs[0]!);
    writer.receive(msgs[1]!);
    for (const payload of ['pause', 42]) writer.receive({ payload });
    await errors.next(() => errors.messages.length === 2);
    for (const { error } of errors.messages) assert.match(error.message, /expected "start", "stop", "toggle", true or false/);
    writer.receive(msgs[2]!);
    writer.receive(msgs[3]!);
    const { recording } = await out.next();
    assert.deepEqual([recording.reason, recording.frames], ['stop', 400]);
    assert.deepEqual(await pcmOf(recording.path), countingPcm16(0, 800), 'the recording under way is untouched');
  });

  it('closes an open file with reason interrupted when a new session starts', async () => {
    const { writer, out } = await load();
    const first = chunks('s1', [countingPcm16(0, 400)]);
    writer.receive(first[0]!);
    writer.receive(first[1]!);
    for (const msg of chunks('s2', [countingPcm16(0, 200)])) writer.receive(msg);
    const a = await out.next((m) => m.recording.session === 's1');
    const b = await out.next((m) => m.recording.session === 's2');
    assert.equal(a.recording.reason, 'interrupted');
    assert.equal(a.recording.frames, 200);
    assert.equal(b.recording.frames, 100);
    assert.deepEqual(await publishedFiles(), ['take-1.wav', 'take-2.wav']);
  });

  for (const [what, spoil, message] of [
    ['a payload that is not a Buffer', (m: { payload: unknown }) => (m.payload = 'not audio'), /msg.payload must be a Buffer/],
    ['a torn frame', (m: { payload: unknown }) => (m.payload = Buffer.alloc(6)), /not a whole number of 4-byte frames/],
    ['a format change', (m: { audio: { format: AudioFormat } }) => (m.audio.format = { ...stereo16, sampleRate: 16000 }), /format changed/],
    ['a chunk of another session', (m: { audio: { session: string } }) => (m.audio.session = 'other'), /session other/],
    ['a chunk that overlaps the timeline', (m: { audio: { frame: number } }) => (m.audio.frame = 0), /already written/],
  ] as const) {
    it(`reports ${what} to Catch nodes and finalizes the open file`, async () => {
      const { writer, out, errors } = await load();
      const msgs = chunks('s1', [countingPcm16(0, 400), countingPcm16(400, 400)]);
      writer.receive(msgs[0]!);
      writer.receive(msgs[1]!);
      const bad = { ...msgs[2]!, audio: { ...msgs[2]!.audio } };
      (spoil as (m: object) => void)(bad);
      writer.receive(bad);
      const caught = await errors.next();
      assert.match(caught.error.message, message);
      assert.match(caught.error.message, /finalized and kept/);
      const { recording } = await out.next();
      assert.equal(recording.reason, 'error');
      assert.deepEqual(await pcmOf(recording.path), countingPcm16(0, 400), 'what came before the bad chunk is kept');
    });
  }

  it('reports a chunk of an unknown session once, not for every chunk', async () => {
    const { writer, errors } = await load();
    const msgs = chunks('s9', [countingPcm16(0, 40), countingPcm16(40, 40)]);
    for (const msg of msgs.slice(1)) writer.receive(msg);
    assert.match((await errors.next()).error.message, /session s9, whose start chunk/);
    await sleep(100);
    assert.equal(errors.messages.length, 1);
  });

  for (const filename of ['../escape', '/tmp/abs.wav', 'sub/dir.wav', '..', '.hidden', 'a\\b.wav']) {
    it(`refuses msg.filename ${JSON.stringify(filename)}: no file anywhere, recording not started`, async () => {
      const { writer, out, errors } = await load();
      const msgs = chunks('s1', [countingPcm16(0, 40)]);
      writer.receive({ ...msgs[0], filename });
      for (const msg of msgs.slice(1)) writer.receive(msg);
      assert.match((await errors.next()).error.message, /file name .*not started/);
      await sleep(100);
      assert.equal(errors.messages.length, 1, 'the rest of the refused session is dropped quietly');
      assert.equal(out.messages.length, 0);
      assert.deepEqual(await publishedFiles(), []);
      assert.deepEqual(await readdir(join(dir, '.partial', 'writer')), []);
      assert.deepEqual((await readdir(join(dir, '..'))).filter((n) => n === 'escape.wav'), []);
    });
  }

  it('keeps two recordings asked for under the same name, started back to back', async () => {
    const { writer, out } = await load();
    const first = chunks('s1', [countingPcm16(0, 400)]);
    const second = chunks('s2', [countingPcm16(400, 400)]);
    writer.receive({ ...first[0], filename: 'same' });
    writer.receive(first[1]!);
    writer.receive({ ...second[0], filename: 'same' });
    for (const msg of second.slice(1)) writer.receive(msg);
    await out.next((m) => m.recording.session === 's2');
    const paths = out.messages.map((m) => m.recording.path);
    assert.deepEqual(paths, [join(dir, 'same.wav'), join(dir, 'same-2.wav')]);
    assert.deepEqual(await pcmOf(paths[1]!), countingPcm16(400, 400));
  });

  it('rolls over to a new file at the maximum duration without losing a frame', async () => {
    const { writer, out } = await load({ maxDuration: 0.1 }); // 800 frames a file
    const pcm = countingPcm16(0, 2 * 2000);
    for (const msg of chunks('s1', [pcm.subarray(0, 3000), pcm.subarray(3000, 5000), pcm.subarray(5000)])) writer.receive(msg);
    await out.next((m) => m.recording.reason === 'stop');
    const recordings = out.messages.map((m) => m.recording);
    assert.deepEqual(recordings.map((r) => r.frames), [800, 800, 400]);
    assert.deepEqual(recordings.map((r) => r.reason), ['rollover', 'rollover', 'stop']);
    const joined = Buffer.concat(await Promise.all(recordings.map((r) => pcmOf(r.path))));
    assert.deepEqual(joined, pcm);
  });

  it('rolls over at the maximum size', async () => {
    const { writer, out } = await load({ maxSize: 0.002 }); // 2000 bytes of audio: 500 frames
    for (const msg of chunks('s1', [countingPcm16(0, 1400)])) writer.receive(msg);
    await out.next((m) => m.recording.reason === 'stop');
    assert.deepEqual(out.messages.map((m) => [m.recording.frames, m.recording.reason]), [[500, 'rollover'], [200, 'stop']]);
  });

  it('counts lost frames in the file they fell in, not again in the next one', async () => {
    const { writer, out } = await load({ maxDuration: 0.1 }); // 800 frames a file
    const msgs = chunks('s1', [countingPcm16(0, 800), countingPcm16(800, 800), countingPcm16(1600, 800)]);
    msgs[2]!.audio.frame = 500; // 100 frames missing, inside the first file
    msgs[3]!.audio.frame = 900;
    msgs[4]!.audio.frame = 1300;
    for (const msg of msgs) writer.receive(msg);
    await out.next((m) => m.recording.reason === 'stop');
    assert.deepEqual(out.messages.map((m) => [m.recording.frames, m.recording.dropped]), [[800, 100], [500, 0]]);
  });

  it('fills a gap in the frame timeline with silence and counts it', async () => {
    const { writer, out } = await load();
    const msgs = chunks('s1', [countingPcm16(0, 400), countingPcm16(400, 400)]);
    msgs[2]!.audio.frame = 300; // 100 frames went missing before this chunk
    msgs[3]!.audio.frame = 500;
    for (const msg of msgs) writer.receive(msg);
    const { recording } = await out.next();
    assert.equal(recording.frames, 500);
    assert.equal(recording.dropped, 100);
    const pcm = await pcmOf(recording.path);
    assert.ok(pcm.subarray(800, 1200).every((b) => b === 0));
  });

  it('finalizes the file under way on redeploy', async () => {
    const { writer } = await load();
    const msgs = chunks('s1', [countingPcm16(0, 800)]);
    writer.receive(msgs[0]!);
    writer.receive(msgs[1]!);
    await waitFor(async () => ((await readdir(join(dir, '.partial', 'writer')).catch(() => [])).length ? true : undefined), 'the partial file');
    await helper.setFlows(flow({ pattern: 'other-{counter}' }), 'full');
    const files = await waitFor(async () => ((await publishedFiles()).length ? publishedFiles() : undefined), 'a published file');
    assert.deepEqual(files, ['take-1.wav']);
    assert.deepEqual(await pcmOf(join(dir, 'take-1.wav')), countingPcm16(0, 800));
  });

  it('repairs and publishes a file an earlier run left unfinished', async () => {
    const partial = join(dir, '.partial', 'writer');
    await mkdir(partial, { recursive: true });
    const pcm = countingPcm16(0, 1001); // a torn last frame: 500.5 frames
    await writeFile(join(partial, 'lost.wav'), Buffer.concat([buildWavHeader(stereo16, 0, 'wav'), pcm]));
    await writeFile(join(partial, 'never-started.wav'), ''); // killed before its first header
    const { out } = await load();
    const { recording } = await out.next();
    assert.equal(recording.reason, 'interrupted');
    assert.equal(recording.path, join(dir, 'lost.wav'));
    assert.equal(recording.frames, 500);
    assert.deepEqual(await pcmOf(recording.path), pcm.subarray(0, 2000));
    assert.deepEqual(await readdir(partial), [], 'the empty file is gone too');
    assert.deepEqual(await publishedFiles(), ['lost.wav']);
  });

  it('shows idle and the recording progress, status text as i18n keys', async () => {
    const { writer, out } = await load();
    const statuses: { text?: string }[] = [];
    onCall<{ text?: string }>(writer, 'status', (status) => statuses.push(status));
    const msgs = chunks('s1', [countingPcm16(0, 800)]);
    writer.receive(msgs[0]!);
    writer.receive(msgs[1]!);
    const progress = await waitFor(() => statuses.find((s) => /^0:00 \d+ kB$/.test(s.text ?? '')), 'a progress status');
    assert.ok(progress.text!.length < 20);
    writer.receive(msgs[2]!);
    await out.next();
    await waitFor(() => (statuses.at(-1)?.text === 'wav-writer.status.idle' ? true : undefined), 'the idle status');
  });

  it('refuses a directory pattern that cannot make a safe name', async () => {
    const { writer, errors } = await load({ pattern: '../{counter}' });
    writer.receive({ payload: 'stop' });
    assert.match((await errors.next()).error.message, /path separators/);
  });
});

describe('wav-writer node on a disk that fills up', () => {
  let mountPoint: string;
  afterEach(async () => {
    await helper.unload();
    await run('umount', [mountPoint]).catch(() => undefined);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('keeps what reached the disk, tells Catch nodes, and refuses the rest of the recording', async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'full-disk-'));
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]);
    dir = mountPoint;
    const { writer, out, errors } = await load();
    const msgs = chunks('s1', Array.from({ length: 12 }, (_, i) => countingPcm16(i * 4000, 4000))); // 96 kB
    for (const msg of msgs.slice(0, 10)) writer.receive(msg);
    const { recording } = await out.next();
    assert.equal(recording.reason, 'error');
    assert.ok(recording.frames > 0 && recording.frames < 20000, `${recording.frames} frames kept`);
    assert.deepEqual(await pcmOf(recording.path), Buffer.concat(msgs.slice(1, 10).map((m) => m.payload)).subarray(0, recording.frames * 4));
    assert.equal((await soxInfo(recording.path)).frames, recording.frames);
    assert.match((await errors.next()).error.message, /ENOSPC/);
    writer.receive(msgs[10]!);
    writer.receive(msgs[11]!);
    assert.match((await errors.next((m) => /stopped early/.test(m.error.message))).error.message, /session s1 stopped early \(.*ENOSPC/);
    await sleep(100);
    assert.equal(errors.messages.filter((m) => /stopped early/.test(m.error.message)).length, 1, 'told once, not per chunk');
  });
});
