import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceFrameType } from '../../src/lib/pico/frame-types';
import { PicoLink, PicoLinkEvents } from '../../src/lib/pico/pico-link';
import { endPayload, errorPayload, helloPayload, ScriptedPico, settle, sph0645Slots, u32Payload } from '../support/pico-device';

type Seen = { event: keyof PicoLinkEvents; args: unknown[] }[];

function watch(link: PicoLink): Seen {
  const seen: Seen = [];
  for (const event of ['hello', 'audio', 'status', 'button', 'end', 'deviceError', 'pong', 'incompatible', 'close'] as const) {
    link.on(event, (...args: unknown[]) => seen.push({ event, args }));
  }
  return seen;
}

describe('Pico link messages', () => {
  it('turns each device frame into its typed event', async () => {
    const pico = new ScriptedPico();
    const link = new PicoLink(pico.link);
    const seen = watch(link);
    pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 48000, streaming: false, buttonPin: 15, firmware: 'pico-mic 1.0.0' }));
    pico.send(DeviceFrameType.audio, sph0645Slots([1, -1]), 4096);
    pico.send(DeviceFrameType.status, u32Payload(48100, 48000, 2, 1, 0xffff_ffff, 900, 450, 0xffff_ffff));
    pico.send(DeviceFrameType.button, Buffer.from([15, 1]), 4100);
    pico.send(DeviceFrameType.end, endPayload(48000, 1));
    pico.send(DeviceFrameType.error, errorPayload(3, 'rate 44100 not supported'));
    pico.send(DeviceFrameType.pong, Buffer.concat([u32Payload(99), Buffer.from([0])]));
    await settle();
    assert.deepEqual(seen.map((s) => s.event), ['hello', 'audio', 'status', 'button', 'end', 'deviceError', 'pong']);
    assert.deepEqual(seen[0]!.args[0], {
      sampleRate: 48000,
      slotBits: 32,
      validBits: 18,
      channels: 1,
      streaming: false,
      samplesPerFrame: 512,
      tickBits: 30,
      pins: { sck: 0, ws: 1, sd: 2, button: 15 },
      firmware: 'pico-mic 1.0.0',
    });
    assert.deepEqual(seen[1]!.args[0], { firstSample: 4096, ticks: 1001, slots: sph0645Slots([1, -1]) });
    assert.deepEqual(seen[2]!.args[0], {
      samplesExpected: 48100,
      samplesRead: 48000,
      shortWrites: 2,
      abandonedFrames: 1,
      i2sOverruns: undefined,
      frameMaxUs: 900,
      frameAvgUs: 450,
      memFree: undefined,
    });
    assert.deepEqual(seen[3]!.args[0], { pin: 15, pressed: true, ticks: 1003, sample: 4100 });
    assert.deepEqual(seen[4]!.args[0], { samplesRead: 48000, reason: 'stop' });
    assert.deepEqual(seen[5]!.args[0], { code: 'unsupported-parameter', text: 'rate 44100 not supported' });
    assert.deepEqual(seen[6]!.args[0], { token: 99, streaming: false });
    assert.equal(link.stats.frames, 7);
  });

  it('reads a newer minor version, ignoring appended fields and unknown types', async () => {
    const pico = new ScriptedPico();
    const link = new PicoLink(pico.link);
    const seen = watch(link);
    pico.send(DeviceFrameType.end, Buffer.concat([endPayload(10, 2), Buffer.from('later fields')]), 0, { version: 0x1f });
    pico.send(0x40, Buffer.from('a type from version 1.5'), 0, { version: 0x15 });
    await settle();
    assert.deepEqual(seen.map((s) => [s.event, s.args[0]]), [['end', { samplesRead: 10, reason: 'restart' }]]);
    assert.equal(link.stats.unknownTypes, 1);
  });

  it('drops other major versions, telling of a hello from one, and short payloads', async () => {
    const pico = new ScriptedPico();
    const link = new PicoLink(pico.link);
    const seen = watch(link);
    pico.send(DeviceFrameType.hello, helloPayload({ sampleRate: 48000, streaming: false }), 0, { version: 0x20 });
    pico.send(DeviceFrameType.audio, sph0645Slots([1]), 0, { version: 0x21 });
    pico.send(DeviceFrameType.status, Buffer.alloc(31));
    pico.send(DeviceFrameType.audio, Buffer.alloc(6));
    pico.send(0x81, Buffer.alloc(10));
    await settle();
    assert.deepEqual(seen, [{ event: 'incompatible', args: [0x20] }]);
    assert.equal(link.stats.otherVersions, 2);
    assert.equal(link.stats.malformed, 2);
    assert.equal(link.stats.unknownTypes, 1, 'a frame sent the host way (an echo) is not acted on');
  });

  it('counts device frames missing by sequence number, not a restart from 0', async () => {
    const pico = new ScriptedPico();
    const link = new PicoLink(pico.link);
    for (const seq of [0, 1, 4, 5, 0, 1]) pico.send(DeviceFrameType.button, Buffer.from([1, 0]), 0, { seq });
    await settle();
    assert.equal(link.stats.framesMissing, 2);
  });

  it('sends commands with its own sequence numbers, and stops listening when detached', async () => {
    const pico = new ScriptedPico();
    pico.onCommand = () => undefined;
    const link = new PicoLink(pico.link);
    const seen = watch(link);
    link.send({ kind: 'ping', token: 7 });
    link.send({ kind: 'start', sampleRate: 16000, samplesPerFrame: 256, statusIntervalMs: 500 });
    link.send({ kind: 'status' });
    link.send({ kind: 'stop' });
    link.send({ kind: 'exit' });
    await settle();
    assert.deepEqual(pico.commandKinds(), ['ping', 'start', 'status', 'stop', 'exit']);
    assert.deepEqual(pico.commands.map((c) => c.seq), [0, 1, 2, 3, 4]);
    assert.deepEqual(pico.commands[0]!.payload, u32Payload(7));
    const start = pico.commands[1]!.payload;
    assert.deepEqual([start.readUInt32LE(0), start[4], start[5], start.readUInt16LE(6), start.readUInt16LE(8)], [16000, 32, 1, 256, 500]);
    link.detach();
    pico.send(DeviceFrameType.button, Buffer.from([1, 1]));
    pico.unplug();
    await settle();
    assert.deepEqual(seen, []);
  });

  it('tells when the byte link closes', async () => {
    const pico = new ScriptedPico();
    const seen = watch(new PicoLink(pico.link));
    pico.unplug();
    await settle();
    assert.deepEqual(seen, [{ event: 'close', args: [] }]);
  });
});
