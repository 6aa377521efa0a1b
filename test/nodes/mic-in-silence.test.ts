import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { NodeMessage } from 'node-red';
import { AudioFormat } from '../../src/lib/audio/format';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { readWavInfo } from '../../src/lib/wav/header';
import { AlsaStandIn } from '../support/alsa-stand-in';
import { FlowNode, helper, MessageLog, micInNode, TestNode, wavWriterNode } from '../support/node-red';
import { soxInfo } from '../support/wav-readers';

type FinishedMsg = NodeMessage & { recording: RecordingInfo };

const format: AudioFormat = { sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'signed' };
const CHUNK_MS = 100;
const HANGOVER_S = 0.5;

/** Peak of each 10 ms block of 16-bit mono PCM: where the tone is and where it is not. */
function blockPeaks(pcm: Buffer): number[] {
  const peaks: number[] = [];
  for (let offset = 0; offset < pcm.length; offset += 320) {
    let peak = 0;
    for (let i = offset; i < Math.min(offset + 320, pcm.length); i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
    peaks.push(peak);
  }
  return peaks;
}

describe('mic-in ending on silence and starting on sound (stand-in devices, arecord)', () => {
  let standIn: AlsaStandIn;
  let dir: string;

  before(async () => {
    standIn = await AlsaStandIn.create([
      // 1 s of tone, then a silent tail.
      { name: 'talk', format, seconds: 4, effects: ['synth', '1', 'sine', '440', 'vol', '0.5', 'pad', '0', '3'] },
      // Quiet, then 1 s of tone, then a silent tail.
      { name: 'later', format, seconds: 4, effects: ['synth', '1', 'sine', '440', 'vol', '0.5', 'pad', '1', '2'] },
    ]);
    process.env.ALSA_CONFIG_PATH = standIn.configPath;
  });
  after(() => standIn.dispose());
  afterEach(async () => {
    await helper.unload();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function load(mic: Record<string, unknown>) {
    dir = await mkdtemp(join(tmpdir(), 'mic-in-silence-'));
    const flow: FlowNode[] = [
      { id: 'f1', type: 'tab' },
      {
        id: 'mic', z: 'f1', type: 'mic-in', source: 'alsa', backend: 'arecord', sampleRate: 16000, chunkMs: CHUNK_MS,
        silenceStop: true, silenceThreshold: -40, silenceHangover: HANGOVER_S, minLength: 0.2, wires: [['writer']], ...mic,
      },
      { id: 'writer', z: 'f1', type: 'wav-writer', directory: dir, pattern: 'take-{counter}', wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
    ];
    await helper.load([micInNode, wavWriterNode], flow);
    return { mic: helper.getNode('mic') as TestNode, out: new MessageLog<FinishedMsg>(helper.getNode('out')) };
  }

  it('ends with reason silence within the hang-over plus one chunk of the silent tail', async () => {
    const { mic, out } = await load({ device: 'talk' });
    mic.receive({ payload: 'start' });
    const { recording } = await out.next(() => true, 10_000);
    assert.equal(recording.reason, 'silence');
    const seconds = recording.frames / format.sampleRate;
    assert.ok(seconds >= 1 + HANGOVER_S && seconds <= 1 + HANGOVER_S + CHUNK_MS / 1000, `${seconds} s recorded for 1 s of tone`);
    assert.equal((await soxInfo(recording.path)).frames, recording.frames, 'sox reads the finished file');
  });

  it('keeps going through a pause shorter than the hang-over', async () => {
    const { mic, out } = await load({ device: 'later', silenceHangover: 2 });
    mic.receive({ payload: 'start' });
    // The first second is quiet, then the tone: a 1 s pause inside a 2 s hang-over ends nothing.
    const { recording } = await out.next(() => true, 10_000);
    assert.equal(recording.reason, 'silence');
    const seconds = recording.frames / format.sampleRate;
    assert.ok(seconds >= 2 + 2 && seconds <= 4 + CHUNK_MS / 1000, `${seconds} s recorded`);
  });

  it('starts by itself on the tone with the pre-roll before it, and ends on the silence after it', async () => {
    const { out } = await load({ device: 'later', keepOpen: true, preRoll: 0.2, startOnSound: true, soundThreshold: -30 });
    const { recording } = await out.next(() => true, 10_000);
    assert.equal(recording.reason, 'silence');
    const info = await readWavInfo(recording.path);
    const data = (await readFile(recording.path)).subarray(info.dataOffset);
    const device = await standIn.pcm('later');
    const from = device.indexOf(data.subarray(0, 3200));
    assert.deepEqual(data, device.subarray(from, from + data.length), 'the file is the device audio, frame for frame');
    // The tone begins 1 s into the device's audio; the recording 200 ms (the pre-roll) before the first loud chunk.
    const startMs = from / 2 / 16;
    assert.ok(startMs >= 800 - CHUNK_MS && startMs <= 800, `the recording starts ${startMs} ms into the device audio`);
    const peaks = blockPeaks(data);
    const loud = peaks.filter((peak) => peak > 8000).length;
    assert.equal(loud, 100, 'the whole second of tone is in the file');
    const tail = [...peaks].reverse().findIndex((peak) => peak > 8000);
    assert.ok(tail >= HANGOVER_S * 100 && tail <= (HANGOVER_S * 1000 + CHUNK_MS) / 10, `${tail * 10} ms of silence after the tone`);
  });
});
