import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioFormat } from '../../src/lib/audio/format';
import { Recorder, RecorderOptions } from '../../src/lib/capture/recorder';
import { TestSource } from '../../src/lib/capture/test-source';
import { AudioChunk } from '../../src/lib/contract/audio-chunk';
import { countingPcm16, ScriptedSource } from '../support/scripted-source';

const mono16k: AudioFormat = { sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'signed' };

function setup(overrides: Partial<RecorderOptions> = {}) {
  const chunks: AudioChunk[] = [];
  const failures: Error[] = [];
  const sources: ScriptedSource[] = [];
  const recorder = new Recorder({
    createSource: () => {
      const source = new ScriptedSource(mono16k);
      sources.push(source);
      return source;
    },
    chunkMs: 10, // 160 frames
    maxDurationMs: 0,
    onChunk: (chunk) => chunks.push(chunk),
    onFailure: (err) => failures.push(err),
    ...overrides,
  });
  return { recorder, chunks, failures, sources, source: () => sources[sources.length - 1]! };
}

function joinedPcm(chunks: AudioChunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => c.payload));
}

describe('Recorder', () => {
  it('sends a start chunk, whole chunks with a gap-free timeline, and an end chunk with the rest', async () => {
    const { recorder, chunks, source } = setup();
    assert.equal(await recorder.start(), true);
    source().deliver(countingPcm16(0, 100));
    source().deliver(countingPcm16(100, 300));
    assert.equal(await recorder.stop(), true);

    assert.deepEqual(chunks.map((c) => c.audio.event), ['start', 'data', 'data', 'end']);
    assert.deepEqual(chunks.map((c) => c.audio.seq), [0, 1, 2, 3]);
    assert.deepEqual(chunks.map((c) => c.audio.frame), [0, 0, 160, 320]);
    assert.deepEqual(chunks.map((c) => c.payload.length / 2), [0, 160, 160, 80]);
    assert.equal(chunks[3]!.audio.reason, 'stop');
    assert.ok(chunks.every((c) => c.audio.session === chunks[0]!.audio.session));
    assert.deepEqual(joinedPcm(chunks), countingPcm16(0, 400));
    assert.equal(source().closed, 1, 'the device is released when the recording ends');
  });

  it('releases the device when closed in the middle of a recording', async () => {
    const { recorder, chunks, source } = setup();
    await recorder.start();
    await recorder.close();
    assert.equal(chunks.at(-1)!.audio.reason, 'close');
    assert.equal(source().closed, 1);
    assert.equal(source().started, false);
  });

  it('keeps audio a device hands over the moment it is started', async () => {
    const { recorder, chunks } = setup({
      createSource: () => Object.assign(new ScriptedSource(mono16k), { heldAtStart: countingPcm16(0, 200) }),
    });
    await recorder.start();
    await recorder.stop();
    assert.deepEqual(joinedPcm(chunks), countingPcm16(0, 200));
  });

  it('gives each recording its own session and restarts seq and frame', async () => {
    const { recorder, chunks } = setup();
    await recorder.start();
    await recorder.stop();
    await recorder.start();
    await recorder.stop();
    assert.equal(chunks.length, 4);
    assert.notEqual(chunks[0]!.audio.session, chunks[2]!.audio.session);
    assert.equal(chunks[2]!.audio.seq, 0);
    assert.equal(chunks[2]!.audio.frame, 0);
  });

  it('ignores start while recording and stop while idle', async () => {
    const { recorder, chunks, sources } = setup();
    assert.equal(await recorder.stop(), false);
    assert.equal(await recorder.start(), true);
    assert.equal(await recorder.start(), false);
    assert.equal(sources.length, 1);
    await recorder.stop();
    assert.equal(chunks.length, 2);
  });

  it('toggles between recording and idle', async () => {
    const { recorder, chunks } = setup();
    await recorder.toggle();
    assert.equal(recorder.recording, true);
    await recorder.toggle();
    assert.equal(recorder.recording, false);
    assert.equal(chunks.at(-1)!.audio.reason, 'stop');
  });

  it('ends at the maximum duration on the exact frame', async () => {
    const { recorder, chunks, source } = setup({ maxDurationMs: 25 }); // 400 frames
    await recorder.start();
    source().deliver(countingPcm16(0, 350));
    source().deliver(countingPcm16(350, 350));
    assert.equal(recorder.recording, false);
    const end = chunks.at(-1)!;
    assert.equal(end.audio.event, 'end');
    assert.equal(end.audio.reason, 'max-duration');
    assert.deepEqual(joinedPcm(chunks), countingPcm16(0, 400));
  });

  it('lets a start request override the maximum duration', async () => {
    const { recorder, chunks, source } = setup({ maxDurationMs: 1000 });
    await recorder.start({ maxDurationMs: 5 }); // 80 frames
    source().deliver(countingPcm16(0, 100));
    assert.equal(joinedPcm(chunks).length / 2, 80);
    assert.equal(chunks.at(-1)!.audio.reason, 'max-duration');
  });

  it('fills an overrun with counted silence so the timeline keeps its length', async () => {
    const { recorder, chunks, source } = setup();
    await recorder.start();
    source().deliver(countingPcm16(0, 100));
    source().overrun(500);
    source().deliver(countingPcm16(600, 60));
    await recorder.stop();
    const pcm = joinedPcm(chunks);
    assert.equal(pcm.length / 2, 660);
    assert.deepEqual(pcm.subarray(0, 200), countingPcm16(0, 100));
    assert.ok(pcm.subarray(200, 1200).every((b) => b === 0), 'the lost frames are silence');
    assert.deepEqual(pcm.subarray(1200), countingPcm16(600, 60));
    assert.equal(chunks.at(-1)!.audio.dropped, 500);
    assert.equal(chunks[0]!.audio.dropped, 0);
  });

  it('ends the recording with the source failure reason and reports it', async () => {
    const { recorder, chunks, failures, source } = setup();
    await recorder.start();
    source().deliver(countingPcm16(0, 200));
    source().fail('unplugged', 'device-lost');
    assert.equal(recorder.recording, false);
    assert.equal(chunks.at(-1)!.audio.event, 'end');
    assert.equal(chunks.at(-1)!.audio.reason, 'device-lost');
    assert.equal(failures.length, 1);
    assert.deepEqual(joinedPcm(chunks), countingPcm16(0, 200), 'audio captured before the failure is kept');
    await recorder.start(); // waits for the failed source's close in the command queue
    assert.equal(source().opened, 1);
  });

  it('contains a throwing chunk consumer: the recording ends with reason error, nothing escapes', async () => {
    let calls = 0;
    const { recorder, chunks, failures, source } = setup({
      onChunk: (chunk) => {
        calls++;
        if (chunk.audio.event === 'data') throw new Error('consumer bug');
        chunks.push(chunk);
      },
    });
    await recorder.start();
    assert.doesNotThrow(() => source().deliver(countingPcm16(0, 160)));
    assert.equal(recorder.recording, false);
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.message, /consumer bug/);
    assert.equal(chunks.at(-1)!.audio.reason, 'error');
    assert.equal(calls, 3);
  });

  it('reports a device that fails to open and stays idle', async () => {
    const sources: ScriptedSource[] = [];
    const { recorder } = setup({
      createSource: () => {
        const source = new ScriptedSource(mono16k);
        source.failOpen = new Error('no such device');
        sources.push(source);
        return source;
      },
    });
    await assert.rejects(recorder.start(), /no such device/);
    assert.equal(recorder.recording, false);
    assert.equal(sources[0]!.closed, 1);
  });

  it('carries the requested file name on the start chunk only', async () => {
    const { recorder, chunks, source } = setup();
    await recorder.start({ filename: 'kitchen.wav' });
    source().deliver(countingPcm16(0, 160));
    await recorder.stop();
    assert.equal(chunks[0]!.filename, 'kitchen.wav');
    assert.ok(chunks.slice(1).every((c) => c.filename === undefined));
  });

  it('puts a level on every chunk with audio', async () => {
    const { recorder, chunks, source } = setup();
    await recorder.start();
    const loud = Buffer.alloc(320);
    for (let i = 0; i < 160; i++) loud.writeInt16LE(i % 2 ? 16384 : -16384, i * 2);
    source().deliver(loud);
    await recorder.stop();
    assert.equal(chunks[0]!.audio.level, undefined);
    assert.ok(Math.abs(chunks[1]!.audio.level!.peakDbfs - -6.02) < 0.01);
    assert.ok(Math.abs(chunks[1]!.audio.level!.rmsDbfs - -6.02) < 0.01);
  });
});

describe('Recorder with the test source', () => {
  it('records in real time: about as many frames as the wall clock allows', async () => {
    const chunks: AudioChunk[] = [];
    const recorder = new Recorder({
      createSource: () => new TestSource({ format: mono16k, waveform: 'sine', frequency: 1000, levelDbfs: -6 }),
      chunkMs: 50,
      maxDurationMs: 0,
      onChunk: (c) => chunks.push(c),
      onFailure: (err) => assert.fail(err),
    });
    const started = process.hrtime.bigint();
    await recorder.start();
    await new Promise((r) => setTimeout(r, 400));
    await recorder.stop();
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const frames = joinedPcm(chunks).length / 2;
    const expected = (elapsedMs * 16000) / 1000;
    assert.ok(frames <= expected, `${frames} frames in ${elapsedMs} ms is faster than real time`);
    assert.ok(frames >= expected - 16000 * 0.08, `${frames} frames in ${elapsedMs} ms lags real time`);
    assert.equal(chunks[1]!.audio.source.kind, 'test');
    assert.match(chunks[1]!.audio.source.device, /test signal/);
  });

  it('keeps its clock through an event loop stall and reports what its buffer could not hold', async () => {
    const chunks: AudioChunk[] = [];
    const recorder = new Recorder({
      createSource: () => new TestSource({ format: mono16k, waveform: 'noise', frequency: 0, levelDbfs: -20, bufferMs: 100 }),
      chunkMs: 20,
      maxDurationMs: 0,
      onChunk: (c) => chunks.push(c),
      onFailure: (err) => assert.fail(err),
    });
    await recorder.start();
    await new Promise((r) => setTimeout(r, 50));
    const until = Date.now() + 300;
    while (Date.now() < until); // a flow that blocks the event loop for 300 ms
    await new Promise((r) => setTimeout(r, 50));
    await recorder.stop();
    const dropped = chunks.at(-1)!.audio.dropped;
    assert.ok(dropped >= 16000 * 0.15, `expected about 200 ms of overrun, got ${dropped} frames`);
    const frames = joinedPcm(chunks).length / 2;
    assert.ok(frames >= 16000 * 0.38, `the timeline counts the lost frames too: ${frames}`);
  });
});

describe('Recorder with a consumer that always throws', () => {
  it('still releases the device and reports the failure', async () => {
    const failures: Error[] = [];
    const sources: ScriptedSource[] = [];
    const recorder = new Recorder({
      createSource: () => {
        sources.push(new ScriptedSource(mono16k));
        return sources.at(-1)!;
      },
      chunkMs: 10,
      maxDurationMs: 0,
      onChunk: (chunk) => {
        if (chunk.audio.event !== 'start') throw new Error('always broken');
      },
      onFailure: (err) => failures.push(err),
    });
    await recorder.start();
    assert.doesNotThrow(() => sources[0]!.deliver(countingPcm16(0, 160)));
    assert.equal(recorder.recording, false);
    assert.equal(failures.length, 1);
    await recorder.start(); // runs after the queued release of the broken session's device
    assert.equal(sources[0]!.closed, 1);
    assert.equal(sources.length, 2);
  });
});

describe('Recorder keeping the device open with a pre-roll', () => {
  function listening(preRollMs: number, maxDurationMs = 0) {
    return setup({ keepOpen: true, preRollMs, maxDurationMs });
  }

  it('opens the device once for many recordings and releases it on close', async () => {
    const { recorder, sources } = listening(0);
    await recorder.listen();
    await recorder.start();
    await recorder.stop();
    await recorder.start();
    await recorder.stop();
    assert.equal(sources.length, 1);
    assert.equal(sources[0]!.opened, 1);
    assert.equal(sources[0]!.closed, 0);
    await recorder.close();
    assert.equal(sources[0]!.closed, 1);
  });

  it('begins with the last pre-roll of audio, then continues with no gap and no repeat', async () => {
    const { recorder, chunks, source } = listening(10); // 160 frames
    await recorder.listen();
    source().deliver(countingPcm16(0, 250));
    source().deliver(countingPcm16(250, 150));
    await recorder.start();
    source().deliver(countingPcm16(400, 100));
    await recorder.stop();
    assert.equal(chunks[0]!.audio.event, 'start');
    assert.deepEqual(chunks[0]!.payload, countingPcm16(240, 160), 'the start chunk carries the pre-roll');
    assert.deepEqual(joinedPcm(chunks), countingPcm16(240, 260));
    assert.equal(chunks[1]!.audio.frame, 160);
  });

  it('starts the next pre-roll fresh after a recording, without audio the last one already had', async () => {
    const { recorder, chunks, source } = listening(10);
    await recorder.listen();
    await recorder.start();
    source().deliver(countingPcm16(0, 100));
    await recorder.stop();
    source().deliver(countingPcm16(100, 50));
    await recorder.start();
    await recorder.stop();
    const second = chunks.filter((c) => c.audio.session !== chunks[0]!.audio.session);
    assert.deepEqual(joinedPcm(second), countingPcm16(100, 50));
  });

  it('does not count the pre-roll in the maximum duration', async () => {
    const { recorder, chunks, source } = listening(10, 5); // 160 + 80 frames
    await recorder.listen();
    source().deliver(countingPcm16(0, 200));
    await recorder.start();
    source().deliver(countingPcm16(200, 200));
    assert.equal(recorder.recording, false);
    assert.deepEqual(joinedPcm(chunks), countingPcm16(40, 240));
    assert.equal(chunks.at(-1)!.audio.reason, 'max-duration');
  });

  it('lets a failed device go and opens a new one for the next recording', async () => {
    const { recorder, failures, sources, source } = listening(10);
    await recorder.listen();
    source().fail('unplugged', 'device-lost');
    assert.equal(failures.length, 1);
    await recorder.start();
    assert.equal(sources.length, 2);
    assert.equal(sources[0]!.closed, 1);
    await recorder.close();
  });
});

/** 16-bit mono PCM of a square wave at the given amplitude (0: digital silence). */
function tone(samples: number, amplitude: number): Buffer {
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(i % 2 === 0 ? amplitude : -amplitude, i * 2);
  return pcm;
}

describe('Recorder ending on silence', () => {
  // 160-frame chunks; -40 dBFS is an amplitude of about 328.
  const silenceStop = { thresholdDbfs: -40, hangoverMs: 50, minLengthMs: 100 };

  it('ends with reason silence once the hang-over of quiet chunks has passed', async () => {
    const { recorder, chunks, source } = setup({ silenceStop });
    await recorder.start();
    const live = source();
    live.deliver(tone(1600, 8000)); // 100 ms of sound: 10 chunks
    assert.equal(recorder.recording, true);
    live.deliver(tone(160 * 4, 0)); // 40 ms of silence: still inside the hang-over
    assert.equal(recorder.recording, true, 'a pause shorter than the hang-over does not end it');
    live.deliver(tone(160 * 2, 100)); // 20 ms more of quiet (-50 dBFS): the hang-over passes in the first chunk
    assert.equal(recorder.recording, false);
    assert.equal(chunks.at(-1)!.audio.reason, 'silence');
    const frames = joinedPcm(chunks).length / 2;
    assert.equal(frames, 1600 + 160 * 5, 'it ends on the chunk that completed the hang-over');
  });

  it('resets the hang-over on sound and never ends before the minimum length', async () => {
    const { recorder, chunks, source } = setup({ silenceStop: { ...silenceStop, minLengthMs: 200 } });
    await recorder.start();
    source().deliver(tone(160 * 4, 0));
    source().deliver(tone(160, 8000));
    source().deliver(tone(160 * 4, 0));
    assert.equal(recorder.recording, true, 'sound between two short pauses restarts the count');
    source().deliver(tone(160 * 10, 0)); // quiet past the hang-over, but the minimum is 3200 frames
    assert.equal(recorder.recording, true);
    source().deliver(tone(160 * 11, 0));
    assert.equal(recorder.recording, false);
    assert.equal(joinedPcm(chunks).length / 2, 3200, 'it ends at the minimum length, the hang-over long passed');
    assert.equal(chunks.at(-1)!.audio.reason, 'silence');
  });

  it('is off unless asked for', async () => {
    const { recorder, source } = setup();
    await recorder.start();
    source().deliver(tone(16000, 0));
    assert.equal(recorder.recording, true);
    await recorder.stop();
  });
});

describe('Recorder starting on sound', () => {
  it('starts when the level reaches the threshold, beginning with the pre-roll and the loud audio', async () => {
    const { recorder, chunks, source } = setup({ keepOpen: true, preRollMs: 5, startOnSoundDbfs: -30 });
    await recorder.listen();
    source().deliver(tone(200, 100)); // -50 dBFS: below the threshold
    assert.equal(recorder.recording, false);
    const loud = tone(160, 8000);
    source().deliver(loud);
    assert.equal(recorder.recording, true);
    assert.equal(chunks[0]!.audio.event, 'start');
    assert.deepEqual(chunks[0]!.payload, tone(200, 100).subarray(-160), 'the last 5 ms before the sound is the pre-roll');
    assert.deepEqual(chunks[1]!.payload, loud, 'the audio that crossed the threshold is kept');
    await recorder.stop();
    await recorder.close();
  });

  it('stops on silence and starts again on the next sound', async () => {
    const { recorder, chunks, source } = setup({
      keepOpen: true,
      startOnSoundDbfs: -30,
      silenceStop: { thresholdDbfs: -40, hangoverMs: 20, minLengthMs: 0 },
    });
    await recorder.listen();
    source().deliver(tone(320, 8000));
    source().deliver(tone(320, 0));
    assert.equal(recorder.recording, false);
    source().deliver(tone(320, 0));
    assert.equal(recorder.recording, false, 'silence does not start anything');
    source().deliver(tone(160, 8000));
    assert.equal(recorder.recording, true);
    const sessions = new Set(chunks.map((c) => c.audio.session));
    assert.equal(sessions.size, 2);
    assert.deepEqual(chunks.filter((c) => c.audio.event === 'end').map((c) => c.audio.reason), ['silence']);
    await recorder.close();
  });
});
