import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFailure } from '../../src/lib/capture/audio-source';
import { ConvertedSource } from '../../src/lib/capture/converted-source';
import { DeviceFrameType, HostFrameType } from '../../src/lib/pico/frame-types';
import { PicoAudioSource } from '../../src/lib/pico/pico-audio-source';
import { ButtonEdge, PicoLink } from '../../src/lib/pico/pico-link';
import { endPayload, errorPayload, helloPayload, ScriptedPico, settle } from '../support/pico-device';
import { recordSourceEvents, SourceEvents } from '../support/scripted-source';
import { waitFor } from '../support/wait';

function samplesOf(data: Buffer[]): number[] {
  const pcm = Buffer.concat(data);
  return Array.from({ length: pcm.length / 4 }, (_, i) => pcm.readInt32LE(i * 4) >> 14);
}

function ramp(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i - 100);
}

async function openSource(pico: ScriptedPico, options: Partial<ConstructorParameters<typeof PicoAudioSource>[0]> = {}): Promise<PicoAudioSource> {
  const source = new PicoAudioSource({ link: pico.link, device: '/dev/ttyACM0', sampleRate: 48000, ...options });
  await source.open();
  return source;
}

/** A source open on a new scripted Pico, its events recorded. */
async function openRecorded(): Promise<{ pico: ScriptedPico; source: PicoAudioSource; events: SourceEvents }> {
  const pico = new ScriptedPico();
  const source = await openSource(pico);
  return { pico, source, events: recordSourceEvents(source) };
}

describe('PicoAudioSource', () => {
  it('opens on the answer to start, with the SPH0645 format and pico source info', async () => {
    const pico = new ScriptedPico();
    const source = await openSource(pico, { samplesPerFrame: 256, statusIntervalMs: 500 });
    assert.deepEqual(pico.commandKinds(), ['start']);
    const start = pico.commands[0]!.payload;
    assert.deepEqual([start.readUInt32LE(0), start.readUInt16LE(6), start.readUInt16LE(8)], [48000, 256, 500]);
    assert.deepEqual(source.format, { sampleRate: 48000, channels: 1, bitDepth: 32, encoding: 'signed', validBits: 18 });
    assert.deepEqual(source.info, { kind: 'pico', device: '/dev/ttyACM0' });
    await source.close();
  });

  it('delivers the samples in order and reports a lost frame as an overrun of its length', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.audio(ramp(0, 512));
    pico.audio(ramp(512, 512), 'lost');
    pico.audio(ramp(1024, 300));
    pico.audio(ramp(1324, 512));
    await settle();
    assert.deepEqual(events.overruns, [512]);
    assert.deepEqual(samplesOf(events.data), [...ramp(0, 512), ...ramp(1024, 300), ...ramp(1324, 512)]);
    assert.equal(source.stats.timeline.droppedSamples, 512);
    assert.equal(source.stats.link.framesMissing, 1);
    assert.deepEqual(events.errors, []);
    await source.close();
  });

  it('fills a frame damaged on the link (its CRC fails) with silence of its length, REPL text around it skipped', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.audio(ramp(0, 256));
    pico.sendRaw('Traceback (most recent call last):\r\n');
    pico.audio(ramp(256, 256), 'corrupted');
    pico.audio(ramp(512, 256));
    await settle();
    assert.deepEqual(events.overruns, [256]);
    assert.deepEqual(samplesOf(events.data), [...ramp(0, 256), ...ramp(512, 256)]);
    assert.equal(source.stats.link.crcFailures, 1);
    assert.equal(source.stats.link.framesMissing, 1);
    assert.deepEqual(events.errors, []);
    await source.close();
  });

  it('holds audio that arrives before start(), gaps included, and hands it over in start()', async () => {
    const { pico, source, events } = await openRecorded();
    pico.audio(ramp(0, 100));
    pico.audio(ramp(100, 50), 'lost');
    pico.audio(ramp(150, 100));
    await settle();
    assert.equal(events.data.length, 0);
    source.start();
    assert.deepEqual(samplesOf(events.data), [...ramp(0, 100), ...new Array<number>(50).fill(0), ...ramp(150, 100)]);
    await source.close();
  });

  it('sends stop on stop() and delivers nothing after it; a new start() asks the device again', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.audio(ramp(0, 64));
    await settle();
    source.stop();
    pico.audio(ramp(64, 64));
    await settle();
    assert.deepEqual(pico.commandKinds(), ['start', 'stop']);
    assert.deepEqual(samplesOf(events.data), ramp(0, 64));
    source.start();
    await settle();
    assert.deepEqual(pico.commandKinds(), ['start', 'stop', 'start']);
    pico.audio(ramp(0, 64));
    await settle();
    assert.deepEqual(samplesOf(events.data), [...ramp(0, 64), ...ramp(0, 64)], 'the new stream starts at sample 0 without a gap');
    assert.deepEqual(events.overruns, []);
    await source.close();
    assert.deepEqual(pico.commandKinds(), ['start', 'stop', 'start', 'stop']);
  });

  it('stops a stream whose start() a stop() overtook', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    source.stop();
    source.start();
    source.stop();
    pico.audio(ramp(0, 64));
    await settle();
    assert.deepEqual(pico.commandKinds(), ['start', 'stop', 'start', 'stop']);
    assert.deepEqual(events.data, []);
    await source.close();
    assert.deepEqual(pico.commandKinds(), ['start', 'stop', 'start', 'stop']);
  });

  it('fails with device-lost when the link closes while streaming', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.unplug();
    await settle();
    assert.equal(events.errors.length, 1);
    assert.equal(events.errors[0]!.reason, 'device-lost');
    assert.match(events.errors[0]!.message, /serial link closed/);
    await source.close();
  });

  it('fails when the Pico ends the stream by itself, with its error text', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.send(DeviceFrameType.error, errorPayload(4, 'I2S read failed'));
    pico.send(DeviceFrameType.end, endPayload(0, 3));
    await settle();
    assert.equal(events.errors[0]?.reason, 'error');
    assert.match(events.errors[0]!.message, /ended the stream \(error\): I2S read failed/);
    await source.close();
  });

  it('fails with device-lost when the Pico reboots while streaming', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 48000, streaming: false }));
    await settle();
    assert.equal(events.errors[0]?.reason, 'device-lost');
    assert.match(events.errors[0]!.message, /restarted/);
    await source.close();
  });

  it('opens on a Pico still streaming for a host that went away: old audio and its end are passed over', async () => {
    const pico = new ScriptedPico();
    pico.onCommand = (command) => {
      if (command.type !== HostFrameType.start) return;
      pico.audio(ramp(90_000, 64));
      pico.send(DeviceFrameType.end, endPayload(0, 2));
      pico.samplesSent = 0;
      pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 48000, streaming: true }));
      pico.audio(ramp(0, 64));
    };
    const source = await openSource(pico);
    const events = recordSourceEvents(source);
    source.start();
    await settle();
    assert.deepEqual(samplesOf(events.data), ramp(0, 64));
    assert.deepEqual(events.errors, []);
    assert.deepEqual(events.overruns, []);
    await source.close();
  });

  it('sends nothing more once the link has closed', async () => {
    const { pico, source, events } = await openRecorded();
    source.start();
    pico.unplug();
    await settle();
    assert.equal(events.errors.length, 1);
    source.stop();
    source.start();
    await source.close();
    assert.deepEqual(pico.commandKinds(), ['start']);
  });

  it('asks again when the Pico announces a boot instead of answering', async () => {
    const pico = new ScriptedPico();
    let starts = 0;
    pico.onCommand = (command) => {
      if (command.type !== HostFrameType.start) return;
      starts++;
      pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 48000, streaming: starts > 1 }));
    };
    const source = await openSource(pico);
    assert.equal(starts, 2);
    await source.close();
  });

  describe('open() failures', () => {
    async function openFailure(pico: ScriptedPico, options: Partial<ConstructorParameters<typeof PicoAudioSource>[0]> = {}): Promise<SourceFailure> {
      const failure = await openSource(pico, { openTimeoutMs: 200, ...options }).then(
        () => assert.fail('open() resolved'),
        (err: unknown) => err,
      );
      assert.ok(failure instanceof SourceFailure);
      return failure;
    }

    it('times out naming what arrived: nothing', async () => {
      const pico = new ScriptedPico();
      pico.onCommand = () => undefined;
      const failure = await openFailure(pico);
      assert.match(failure.message, /no answer from the Pico within 200 ms; nothing arrived: is the firmware installed/);
    });

    it('times out naming what arrived: REPL text', async () => {
      const pico = new ScriptedPico();
      pico.onCommand = () => pico.sendRaw('\r\n>>> ');
      const failure = await openFailure(pico);
      assert.match(failure.message, /bytes arrived but no protocol frame: the Pico is at the MicroPython prompt/);
    });

    it('rejects with the firmware refusal', async () => {
      const pico = new ScriptedPico();
      pico.onCommand = () => pico.send(DeviceFrameType.error, errorPayload(3, 'sampleRate 44100 not supported (8000-48000 in steps of 8000)'));
      const failure = await openFailure(pico, { sampleRate: 44100 });
      assert.equal(failure.reason, 'error');
      assert.match(failure.message, /refused to start \(unsupported-parameter\): sampleRate 44100 not supported/);
    });

    it('rejects a stream of another format, and stops it', async () => {
      const pico = new ScriptedPico();
      pico.onCommand = (command) => {
        if (command.type === HostFrameType.start) pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 16000, streaming: true }));
      };
      const failure = await openFailure(pico);
      assert.match(failure.message, /streams at 16000 Hz, 48000 Hz was asked for/);
      await settle();
      assert.deepEqual(pico.commandKinds(), ['start', 'stop']);
    });

    it('rejects firmware of another protocol major version', async () => {
      const pico = new ScriptedPico();
      pico.onCommand = () => pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 48000, streaming: true }), 0, { version: 0x20 });
      const failure = await openFailure(pico);
      assert.match(failure.message, /speaks protocol 2\.0, this host 1\.x/);
    });

    it('rejects with device-lost when the link closes, and when closed while opening', async () => {
      const unplugged = new ScriptedPico();
      unplugged.onCommand = () => unplugged.unplug();
      assert.equal((await openFailure(unplugged)).reason, 'device-lost');

      const pico = new ScriptedPico();
      pico.onCommand = () => undefined;
      const source = new PicoAudioSource({ link: pico.link, device: 'p', sampleRate: 48000 });
      const opening = source.open();
      await source.close();
      await assert.rejects(opening, /closed while opening/);
    });
  });

  it('shares a PicoLink with a button trigger: button edges arrive recording or not', async () => {
    const pico = new ScriptedPico();
    const link = new PicoLink(pico.link);
    const edges: ButtonEdge[] = [];
    link.on('button', (edge) => edges.push(edge));
    pico.send(DeviceFrameType.button, Buffer.from([15, 1]));
    const source = new PicoAudioSource({ link, device: 'p', sampleRate: 48000 });
    await source.open();
    source.start();
    pico.send(DeviceFrameType.button, Buffer.from([15, 0]), 512);
    await source.close();
    pico.send(DeviceFrameType.button, Buffer.from([15, 1]));
    await waitFor(() => (edges.length === 3 ? true : undefined), 'three button edges');
    assert.deepEqual(edges.map((e) => [e.pressed, e.sample]), [[true, 0], [false, 512], [true, 0]]);
  });

  it('feeds mic-in\'s converter: 16-bit with the DC blocker', async () => {
    const pico = new ScriptedPico();
    const source = new ConvertedSource(new PicoAudioSource({ link: pico.link, device: 'p', sampleRate: 48000 }), { bitDepth: 16, dcBlockHz: 10 });
    await source.open();
    const events = recordSourceEvents(source);
    source.start();
    for (let i = 0; i < 10; i++) pico.audio(new Array<number>(480).fill(-8000));
    await settle();
    const pcm = Buffer.concat(events.data);
    assert.equal(pcm.length, 4800 * 2);
    // The blocker starts as if the offset had always been there: no thump, all near 0.
    assert.ok(Math.abs(pcm.readInt16LE(0)) <= 1 && Math.abs(pcm.readInt16LE(pcm.length - 2)) <= 1);
    await source.close();
  });
});
