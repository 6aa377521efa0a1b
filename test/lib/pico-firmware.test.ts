/**
 * The Pico firmware (firmware/pico/main.py, unchanged) under the MicroPython WebAssembly port with
 * simulated hardware (test/support/pico-sim), over a real pty opened with serialport: the link
 * protocol of docs/pico-link-protocol.md, byte for byte, decoded with src/lib/pico's decoder.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readButton, readDeviceError, readEnd, readHello, readPong, readStatus } from '../../src/lib/pico/device-messages';
import { DeviceFrameType, HostFrameType } from '../../src/lib/pico/frame-types';
import { encodeFrame, type LinkFrame } from '../../src/lib/pico/link-frame';
import { PicoTestHost } from '../support/pico-sim/host';
import { patternSample, patternSlot, type PicoSimulation, type SimEventOf, type SimEventType, startPicoSimulation } from '../support/pico-sim/index';
import { runFirmwarePython } from '../support/pico-sim/run-python';
import { sleep } from '../support/wait';

const RATE = 22050;
const SPF = 512;
const TICKS_PERIOD = 2 ** 30;

const isType = (type: number) => (frame: LinkFrame) => frame.type === type;
const audioOf = (host: PicoTestHost, from = 0): LinkFrame[] => host.frames.slice(from).filter(isType(DeviceFrameType.audio));

/** Pattern index of device sample k: the device never skips an index, the ring overruns do. */
function patternIndex(k: number, overruns: { firstLost: number; lost: number }[]): number {
  let n = k;
  for (const overrun of [...overruns].sort((a, b) => a.firstLost - b.firstLost)) if (n >= overrun.firstLost) n += overrun.lost;
  return n;
}

/** Checks every slot of the frames against the microphone's pattern (raw and after >> 14). */
function assertPattern(frames: LinkFrame[], rate: number, overruns: { firstLost: number; lost: number }[] = []): number {
  let checked = 0;
  for (const frame of frames) {
    for (let i = 0; i < frame.payload.length / 4; i++) {
      const slot = frame.payload.readInt32LE(4 * i);
      const n = patternIndex(frame.sample + i, overruns);
      if (slot !== patternSlot(n, rate) || slot >> 14 !== patternSample(n, rate) || (slot & 0x3fff) !== 0) {
        assert.fail(`sample ${frame.sample + i} (pattern ${n}): slot ${slot} (${slot >> 14}), expected ${patternSlot(n, rate)} (${patternSample(n, rate)})`);
      }
      checked++;
    }
  }
  return checked;
}

/** Audio frames carry contiguous indexes from 0 (no gap: nothing was lost on the link). */
function assertContiguous(frames: LinkFrame[], spf: number): void {
  frames.forEach((frame, i) => {
    assert.equal(frame.sample, i * spf, `audio frame ${i} starts at ${frame.sample}`);
    assert.equal(frame.payload.length, 4 * spf);
  });
}

function events<T extends SimEventType>(sim: PicoSimulation, type: T, from = 0): SimEventOf<T>[] {
  return sim.events.slice(from).filter((event): event is SimEventOf<T> => event.type === type);
}

/** Starts a stream; `from` is the index of its hello, after which come its frames (and no older ones). */
async function startStream(host: PicoTestHost, sampleRate: number, extra: { samplesPerFrame?: number; statusIntervalMs?: number } = {}) {
  const sent = host.mark;
  host.send({ kind: 'start', sampleRate, ...extra });
  const frame = await host.waitForFrame(isType(DeviceFrameType.hello), 'hello answering start', 5000, sent);
  const hello = readHello(frame.payload)!;
  assert.equal(hello.streaming, true);
  return { sent, from: host.frames.indexOf(frame), hello };
}

async function stopStream(host: PicoTestHost) {
  const from = host.mark;
  host.send({ kind: 'stop' });
  const frame = await host.waitForFrame(isType(DeviceFrameType.end), 'end answering stop', 5000, from);
  return { frame, end: readEnd(frame.payload)! };
}

async function waitForAudio(host: PicoTestHost, from: number, count: number, timeoutMs = 8000): Promise<void> {
  await host.waitForFrame(() => audioOf(host, from).length >= count, `${count} audio frames`, timeoutMs, from);
}

describe('Pico firmware on the simulated Pico', () => {
  let dir: string;
  let sim: PicoSimulation;
  let host: PicoTestHost;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pico-firmware-'));
    sim = await startPicoSimulation({ dir, rate: RATE, button: 15 });
    host = await PicoTestHost.open(sim.hostPath);
  });
  after(async () => {
    await host?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says hello at boot with its version, format and pins, and Ctrl-C off while it runs', async () => {
    const frame = await host.waitForFrame(isType(DeviceFrameType.hello), 'the boot hello');
    assert.equal(frame.version, 0x10);
    assert.equal(frame.seq, 0);
    assert.equal(frame.sample, 0);
    assert.ok(frame.ticks >= TICKS_PERIOD - 3000 && frame.ticks < TICKS_PERIOD, `ticks ${frame.ticks} near the simulated boot`);
    assert.deepEqual(readHello(frame.payload), {
      sampleRate: RATE,
      slotBits: 32,
      validBits: 18,
      channels: 1,
      streaming: false,
      samplesPerFrame: SPF,
      tickBits: 30,
      pins: { sck: 18, ws: 19, sd: 20, button: 15 },
      firmware: 'pico-mic 1.0.0',
    });
    // pyexec runs main.py with Ctrl-C on; the firmware turns it off for its protocol loop
    assert.deepEqual(events(sim, 'kbd-intr').map((event) => event.char), [3, -1]);
    assert.deepEqual(events(sim, 'pin-init')[0], { ...events(sim, 'pin-init')[0], pin: 15, mode: 0, pull: 1 });
  });

  it('answers ping with pong, 0x03 bytes in the command being plain data', async () => {
    const from = host.mark;
    host.send({ kind: 'ping', token: 0x03030303 });
    const pong = readPong((await host.waitForFrame(isType(DeviceFrameType.pong), 'pong', 5000, from)).payload);
    assert.deepEqual(pong, { token: 0x03030303, streaming: false });
    assert.equal(events(sim, 'interrupt').length, 0);
  });

  it('streams the microphone: contiguous frames of exact samples, status with counters, end on stop, I2S deinit', async () => {
    const eventsFrom = sim.events.length;
    const { from, hello } = await startStream(host, RATE, { statusIntervalMs: 300 });
    assert.equal(hello.sampleRate, RATE);
    assert.equal(hello.samplesPerFrame, SPF);
    await waitForAudio(host, from, 45); // about a second
    await host.waitForFrame(isType(DeviceFrameType.status), 'a periodic status', 3000, from);
    const { frame: endFrame, end } = await stopStream(host);

    const init = events(sim, 'i2s-init', eventsFrom);
    assert.equal(init.length, 1);
    // 0.5 s of rp2's 8-byte stereo frames
    assert.deepEqual(init[0], { ...init[0], id: 0, sck: 18, ws: 19, sd: 20, bits: 32, stereo: false, rate: RATE, ibuf: RATE * 8 * 0.5 });
    const audio = audioOf(host, from);
    assertContiguous(audio, SPF);
    assert.equal(assertPattern(audio, RATE), audio.length * SPF);
    assert.deepEqual(end, { samplesRead: audio.length * SPF, reason: 'stop' });
    const deinit = events(sim, 'i2s-deinit', eventsFrom);
    assert.deepEqual(deinit, [{ ...deinit[0], id: 0, framesRead: audio.length * SPF, implicit: false }]);

    // every device frame counts in seq, without a gap
    const device = host.frames.slice(from);
    device.slice(1).forEach((frame, i) => assert.equal(frame.seq, device[i]!.seq + 1));
    // ticks: ms, wrapping at 2^30 (the simulated clock crosses the wrap a few seconds after boot)
    audio.slice(1).forEach((frame, i) => {
      const step = (frame.ticks - audio[i]!.ticks + TICKS_PERIOD) % TICKS_PERIOD;
      assert.ok(step < 200, `ticks step ${step} ms`);
    });

    const statuses = host.frames.slice(from, host.frames.indexOf(endFrame)).filter(isType(DeviceFrameType.status));
    assert.ok(statuses.length >= 2, `${statuses.length} status frames in about a second at 300 ms`);
    for (const frame of statuses) {
      const status = readStatus(frame.payload)!;
      const framesBefore = audioOf(host, from).filter((a) => host.frames.indexOf(a) < host.frames.indexOf(frame)).length;
      assert.equal(status.samplesRead, framesBefore * SPF, 'samplesRead = the next audio frame index');
      // expected from the ticks: the read samples plus what waits in the ring, never less
      assert.ok(status.samplesExpected >= status.samplesRead - SPF, `expected ${status.samplesExpected} >= read ${status.samplesRead}`);
      assert.ok(status.samplesExpected - status.samplesRead < RATE / 2, `no loss: expected ${status.samplesExpected}, read ${status.samplesRead}`);
      assert.equal(status.shortWrites, 0);
      assert.equal(status.abandonedFrames, 0);
      assert.equal(status.i2sOverruns, undefined, 'stock rp2 I2S cannot report overruns');
      assert.ok(status.frameAvgUs > 0 && status.frameAvgUs <= status.frameMaxUs);
      assert.ok(status.frameAvgUs < (SPF / RATE) * 1e6, `frame work ${status.frameAvgUs} us within the ${((SPF / RATE) * 1e6).toFixed(0)} us frame period`);
      assert.ok(status.memFree !== undefined && status.memFree > 0);
    }
    // idle: status keeps the last stream's counts
    const at = host.mark;
    host.send({ kind: 'status' });
    const idle = readStatus((await host.waitForFrame(isType(DeviceFrameType.status), 'status when idle', 5000, at)).payload)!;
    assert.equal(idle.samplesRead, end.samplesRead);
  });

  it('loses samples on the Pico when it stalls past its ring buffer: the status shows it, the indexes do not', async () => {
    const eventsFrom = sim.events.length;
    const { from } = await startStream(host, RATE, { statusIntervalMs: 200 });
    await waitForAudio(host, from, 10);
    sim.stall(1500); // 1.5 s with a 0.5 s ring
    await sim.waitForEvent((event) => event.type === 'i2s-overrun', 'the I2S ring to overrun', 10_000, eventsFrom);
    const { lost } = events(sim, 'i2s-overrun', eventsFrom)[0]!;
    assert.ok(lost > RATE * 0.8 && lost < RATE * 1.2, `about 1 s lost: ${lost}`);
    // the first status after the stall still has the ring's backlog to read; once it is read,
    // the status shows what the ring lost
    const afterOverrun = host.mark;
    await host.waitForFrame(() => host.frames.slice(afterOverrun).filter(isType(DeviceFrameType.status)).length >= 3, 'statuses after the overrun', 5000, afterOverrun);
    const status = readStatus(host.frames.slice(afterOverrun).filter(isType(DeviceFrameType.status)).at(-1)!.payload)!;
    const missing = status.samplesExpected - status.samplesRead;
    assert.ok(Math.abs(missing - lost) < RATE * 0.1, `status: expected - read = ${missing}, lost ${lost}`);
    await stopStream(host);

    const audio = audioOf(host, from);
    assertContiguous(audio, SPF);
    const overruns = events(sim, 'i2s-overrun', eventsFrom);
    assertPattern(audio, RATE, overruns);
  });

  it('reports the button debounced, with the sample index while streaming and 0 when idle', async () => {
    const { from } = await startStream(host, RATE);
    await waitForAudio(host, from, 5);
    sim.setButton(true);
    const pressed = await host.waitForFrame(isType(DeviceFrameType.button), 'button pressed', 3000, from);
    await sleep(150);
    sim.setButton(false);
    const released = await host.waitForFrame((frame) => frame.type === DeviceFrameType.button && frame !== pressed, 'button released', 3000, from);
    await waitForAudio(host, host.frames.indexOf(released), 2);
    await stopStream(host);

    assert.deepEqual(readButton(pressed.payload), { pin: 15, pressed: true });
    assert.deepEqual(readButton(released.payload), { pin: 15, pressed: false });
    // one frame per edge: the contact bounce is filtered out
    assert.equal(host.frames.slice(from).filter(isType(DeviceFrameType.button)).length, 2);
    const audio = audioOf(host, from);
    const before = audio.filter((frame) => host.frames.indexOf(frame) < host.frames.indexOf(pressed)).at(-1)!;
    assert.ok(pressed.sample > 0 && pressed.sample <= before.sample + SPF, `press at sample ${pressed.sample}, audio sent up to ${before.sample + SPF}`);
    assert.ok(released.sample > pressed.sample);
    const heldMs = (released.ticks - pressed.ticks + TICKS_PERIOD) % TICKS_PERIOD;
    assert.ok(heldMs >= 100 && heldMs < 600, `held ${heldMs} ms by the device ticks`);

    const idleFrom = host.mark;
    sim.setButton(true);
    const idlePress = await host.waitForFrame(isType(DeviceFrameType.button), 'button pressed while idle', 3000, idleFrom);
    sim.setButton(false);
    await host.waitForFrame((frame) => frame.type === DeviceFrameType.button && frame !== idlePress, 'button released while idle', 3000, idleFrom);
    assert.equal(idlePress.sample, 0);
    assert.deepEqual(readButton(idlePress.payload), { pin: 15, pressed: true });
  });

  it('restarts on a start while streaming: end (restart), then hello and audio from 0 in the new format', async () => {
    const eventsFrom = sim.events.length;
    const first = await startStream(host, RATE);
    await waitForAudio(host, first.from, 3);
    const { sent, from, hello } = await startStream(host, 16000, { samplesPerFrame: 256 });
    assert.equal(hello.sampleRate, 16000);
    assert.equal(hello.samplesPerFrame, 256);
    const endFrame = host.frames.slice(sent).find(isType(DeviceFrameType.end))!;
    assert.ok(host.frames.indexOf(endFrame) < from, 'end before the new hello');
    const end = readEnd(endFrame.payload)!;
    assert.deepEqual(end, { samplesRead: audioOf(host, first.from).filter((frame) => host.frames.indexOf(frame) < from).length * SPF, reason: 'restart' });
    await waitForAudio(host, from, 10);
    await stopStream(host);
    const audio = audioOf(host, from);
    assertContiguous(audio, 256);
    assertPattern(audio, 16000);
    const lifecycle = sim.events.slice(eventsFrom).filter((event) => event.type === 'i2s-init' || event.type === 'i2s-deinit');
    assert.deepEqual(
      lifecycle.map((event) => `${event.type}${'rate' in event ? ` ${event.rate}` : ''}${'implicit' in event && event.implicit ? ' implicit' : ''}`),
      ['i2s-init 22050', 'i2s-deinit', 'i2s-init 16000', 'i2s-deinit'],
    );
  });

  it('refuses a start it cannot do, naming the parameter, and stays idle', async () => {
    const eventsFrom = sim.events.length;
    for (const [payload, parameter] of [
      [startPayload(96000, 32, 1, 0), 'sampleRate'],
      [startPayload(RATE, 24, 1, 0), 'slotBits'],
      [startPayload(RATE, 32, 2, 0), 'channels'],
      [startPayload(RATE, 32, 1, 4096), 'samplesPerFrame'],
    ] as const) {
      const from = host.mark;
      host.sendRaw(encodeFrame({ type: HostFrameType.start, seq: 0, sample: 0, ticks: 0, payload }));
      const error = readDeviceError((await host.waitForFrame(isType(DeviceFrameType.error), `error for ${parameter}`, 5000, from)).payload)!;
      assert.equal(error.code, 'unsupported-parameter');
      assert.match(error.text, new RegExp(parameter));
    }
    assert.equal(events(sim, 'i2s-init', eventsFrom).length, 0);
    const from = host.mark;
    host.send({ kind: 'ping', token: 7 });
    assert.equal(readPong((await host.waitForFrame(isType(DeviceFrameType.pong), 'pong', 5000, from)).payload)!.streaming, false);
  });

  it('ends the stream with an error when I2S fails, deinitialises it, and can start again', async () => {
    const eventsFrom = sim.events.length;
    const { from } = await startStream(host, RATE);
    await waitForAudio(host, from, 3);
    sim.failI2S('DMA bus fault');
    const errorFrame = await host.waitForFrame(isType(DeviceFrameType.error), 'the I2S error', 5000, from);
    const error = readDeviceError(errorFrame.payload)!;
    assert.equal(error.code, 'i2s-failure');
    assert.match(error.text, /DMA bus fault/);
    const endFrame = await host.waitForFrame(isType(DeviceFrameType.end), 'end after the error', 5000, from);
    assert.ok(host.frames.indexOf(endFrame) > host.frames.indexOf(errorFrame), 'the error comes first');
    const end = readEnd(endFrame.payload)!;
    assert.equal(end.reason, 'error');
    assert.equal(end.samplesRead, audioOf(host, from).length * SPF);
    const deinit = events(sim, 'i2s-deinit', eventsFrom);
    assert.deepEqual(deinit, [{ ...deinit[0], implicit: false }]);

    const again = await startStream(host, RATE);
    await waitForAudio(host, again.from, 3);
    await stopStream(host);
    assertPattern(audioOf(host, again.from), RATE);
  });

  it('finds commands among garbage, false syncs and damaged frames; answers unknown, malformed and foreign-version commands', async () => {
    const from = host.mark;
    const ping = (token: number, overrides: Partial<{ version: number; type: number }> = {}) => {
      const payload = Buffer.alloc(4);
      payload.writeUInt32LE(token);
      return encodeFrame({ type: HostFrameType.ping, seq: 9, sample: 0, ticks: 0, payload, ...overrides });
    };
    const damaged = ping(0xdead);
    damaged[damaged.length - 1]! ^= 0xff;
    const falseSync = Buffer.from([0xa5, 0x5a, 0x50, 0x4b, 0x10, 0x84, 0xff, 0x7f]); // length 32767
    host.sendRaw(Buffer.concat([Buffer.from('>>> \r\nMPY: soft reboot\r\n\x03\x03'), falseSync, damaged, ping(0x1234)]));
    const pong = await host.waitForFrame(isType(DeviceFrameType.pong), 'pong', 5000, from);
    assert.equal(readPong(pong.payload)!.token, 0x1234);
    await sleep(100);
    assert.equal(host.frames.slice(from).filter(isType(DeviceFrameType.pong)).length, 1, 'the damaged ping is not answered');

    const answers: [Buffer, string][] = [
      [encodeFrame({ type: 0x8f, seq: 1, sample: 0, ticks: 0, payload: Buffer.alloc(0) }), 'unknown-command'],
      [encodeFrame({ type: HostFrameType.ping, seq: 2, sample: 0, ticks: 0, payload: Buffer.alloc(2) }), 'malformed-command'],
      [ping(5, { version: 0x20 }), 'unsupported-version'],
    ];
    for (const [bytes, code] of answers) {
      const at = host.mark;
      host.sendRaw(bytes);
      const frame = await host.waitForFrame(isType(DeviceFrameType.error), code, 5000, at);
      assert.equal(frame.version, 0x10, 'sent with its own version');
      assert.equal(readDeviceError(frame.payload)!.code, code);
    }
    // a frame of the device's own direction (an echo) is ignored
    const at = host.mark;
    host.sendRaw(encodeFrame({ type: DeviceFrameType.status, seq: 3, sample: 0, ticks: 0, payload: Buffer.alloc(32) }));
    host.send({ kind: 'ping', token: 6 });
    await host.waitForFrame(isType(DeviceFrameType.pong), 'pong after the echo', 5000, at);
    assert.deepEqual(host.frames.slice(at).map((frame) => frame.type), [DeviceFrameType.pong]);
    // stop while idle is acknowledged too
    const { end } = await stopStream(host);
    assert.deepEqual(end, { samplesRead: 0, reason: 'stop' });
  });

  it('counts short writes and gives up frames while the host does not read; the index jumps over them', async () => {
    const eventsFrom = sim.events.length;
    const { from } = await startStream(host, RATE, { statusIntervalMs: 200 });
    await waitForAudio(host, from, 5);
    sim.holdOutput(1200);
    await sim.waitForEvent((event) => event.type === 'write-timeout', 'a write to time out', 5000, eventsFrom);
    const resumed = host.mark;
    await host.waitForFrame(
      (frame) => frame.type === DeviceFrameType.status && readStatus(frame.payload)!.abandonedFrames > 0,
      'a status counting abandoned frames',
      8000,
      resumed,
    );
    await waitForAudio(host, resumed, 5);
    await stopStream(host);

    const status = readStatus(host.frames.slice(resumed).find(isType(DeviceFrameType.status))!.payload)!;
    assert.ok(status.shortWrites >= status.abandonedFrames && status.abandonedFrames >= 1, JSON.stringify(status));
    const audio = audioOf(host, from);
    const jumps = audio.slice(1).filter((frame, i) => frame.sample !== audio[i]!.sample + SPF);
    assert.ok(jumps.length >= 1, 'the abandoned frames show as a jump in the indexes');
    const overruns = events(sim, 'i2s-overrun', eventsFrom);
    assertPattern(audio, RATE, overruns);
  });

  it('leaves for the REPL on exit (Ctrl-C back on, I2S deinit), and a soft reboot (Ctrl-D) starts it again', async () => {
    const eventsFrom = sim.events.length;
    const { from } = await startStream(host, RATE);
    await waitForAudio(host, from, 3);
    const textFrom = host.received.length;
    host.send({ kind: 'exit' });
    const end = readEnd((await host.waitForFrame(isType(DeviceFrameType.end), 'end answering exit', 5000, from)).payload)!;
    assert.equal(end.reason, 'exit');
    await sim.waitForEvent((event) => event.type === 'repl', 'the REPL', 5000, eventsFrom);
    const exit = events(sim, 'firmware-exit', eventsFrom);
    assert.deepEqual(exit, [{ ...exit[0], reason: 'returned' }]);
    assert.deepEqual(events(sim, 'i2s-deinit', eventsFrom).map((event) => event.implicit), [false]);
    assert.deepEqual(events(sim, 'kbd-intr', eventsFrom).map((event) => event.char), [3]);

    host.sendRaw(Buffer.from('print(6 * 7)\r'));
    await host.waitForText('42', 'the REPL to answer', 5000, textFrom);
    const rebootFrom = host.mark;
    host.sendRaw(Buffer.from([0x04]));
    await sim.waitForEvent((event) => event.type === 'boot' && event.run === 2, 'the soft reboot', 5000, eventsFrom);
    const hello = readHello((await host.waitForFrame(isType(DeviceFrameType.hello), 'hello after the reboot', 5000, rebootFrom)).payload)!;
    assert.equal(hello.streaming, false);
  });

  it('deinitialises I2S when an exception ends the firmware mid-stream (a reset), and boots again', async () => {
    const eventsFrom = sim.events.length;
    const { from } = await startStream(host, RATE);
    await waitForAudio(host, from, 3);
    const resetFrom = host.mark;
    sim.reset();
    await sim.waitForEvent((event) => event.type === 'boot' && event.run === 3, 'the reboot', 5000, eventsFrom);
    const lifecycle = sim.events.slice(eventsFrom).filter((event) => ['i2s-deinit', 'firmware-exit', 'boot'].includes(event.type));
    assert.deepEqual(
      lifecycle.map((event) => `${event.type}${'implicit' in event ? ` implicit=${event.implicit}` : ''}${'reason' in event ? ` ${event.reason}` : ''}`),
      ['i2s-deinit implicit=false', 'firmware-exit reset', 'boot'],
    );
    const hello = readHello((await host.waitForFrame(isType(DeviceFrameType.hello), 'hello after the reset', 5000, resetFrom)).payload)!;
    assert.equal(hello.streaming, false);
  });
});

function startPayload(sampleRate: number, slotBits: number, channels: number, samplesPerFrame: number): Buffer {
  const payload = Buffer.alloc(10);
  payload.writeUInt32LE(sampleRate, 0);
  payload[4] = slotBits;
  payload[5] = channels;
  payload.writeUInt16LE(samplesPerFrame, 6);
  payload.writeUInt16LE(0, 8);
  return payload;
}

describe('Pico firmware on a simulated Pico with little memory and no button', () => {
  let dir: string;
  let sim: PicoSimulation;
  let host: PicoTestHost;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pico-firmware-'));
    sim = await startPicoSimulation({ dir, button: null, ramLimitBytes: 150_000 });
    host = await PicoTestHost.open(sim.hostPath);
  });
  after(async () => {
    await host?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('halves the I2S ring buffer until it fits (48 kHz), and says it has no button', async () => {
    const boot = readHello((await host.waitForFrame(isType(DeviceFrameType.hello), 'the boot hello')).payload)!;
    assert.equal(boot.pins.button, undefined);
    const { from } = await startStream(host, 48000);
    await waitForAudio(host, from, 20);
    await stopStream(host);
    assert.deepEqual(
      sim.events.filter((event) => event.type === 'i2s-init' || event.type === 'i2s-init-failed').map((event) => ('ibuf' in event ? event.ibuf : 0)),
      [192_000, 96_000],
    );
    const audio = audioOf(host, from);
    assertContiguous(audio, SPF);
    assertPattern(audio, 48000);
  });
});

describe('Pico firmware safe boot', () => {
  it('leaves the REPL to the user when the button is held at boot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pico-firmware-'));
    const sim = await startPicoSimulation({ dir, buttonHeldAtBoot: true });
    try {
      await sim.waitForEvent((event) => event.type === 'repl', 'the REPL');
      assert.deepEqual(
        events(sim, 'kbd-intr').map((event) => event.char),
        [3, -1, 3],
      );
      assert.equal(sim.events.filter((event) => event.type === 'i2s-init').length, 0);
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
    for (const pid of [sim.pids.socat, sim.pids.child]) {
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} outlived close()`);
    }
  });
});

describe('Pico firmware parts in MicroPython', () => {
  it('writes a frame across short writes and None, and gives it up after 100 ms without progress', async () => {
    const out = await runFirmwarePython(`
import sys, time
import main

class Out:
    def __init__(self, script):
        self.script = script
        self.got = bytearray()
    def write(self, mv):
        r = self.script.pop(0) if self.script else len(mv)
        if r:
            r = min(r, len(mv))
            self.got.extend(bytes(mv[:r]))
        return r

frame = bytes(range(40))
out = Out([None, 3, 0, 5])
link = main.Link(out, sys.stdin.buffer, main.DEFAULT_CONFIG)
print(link.write_all(memoryview(frame)), bytes(out.got) == frame, link.short_writes, link.abandoned)
link = main.Link(Out([None] * 100000), sys.stdin.buffer, main.DEFAULT_CONFIG)
t0 = time.ticks_ms()
print(link.write_all(memoryview(frame)), link.abandoned, time.ticks_diff(time.ticks_ms(), t0) >= 100)
`);
    assert.equal(out, 'True True 4 0\nFalse 1 True\n');
  });

  it('streams without allocating (CRC aside), with the u32 counters wrapping at 2^32', async () => {
    const out = await runFirmwarePython(`
import sys, struct, binascii, micropython
import main

class I2S:
    RX = 0
    MONO = 0
    def __init__(self, *args, **kwargs):
        pass
    def readinto(self, buf):
        return len(buf)
    def deinit(self):
        pass

class Machine:
    I2S = I2S
    @staticmethod
    def Pin(*args):
        return None

class Sink:
    def __init__(self):
        self.last = None
    def write(self, mv):
        self.last = bytes(mv[:20])
        return len(mv)

sink = Sink()
fw = main.Firmware(Machine, main.DEFAULT_CONFIG, sink, sys.stdin.buffer)
fw.start(struct.pack('<IBBHH', 22050, 32, 1, 0, 0))
fw.sample_lo, fw.sample_hi = 0xFF00, 0xFFFF  # 2^32 - 256
fw.link.seq_lo, fw.link.seq_hi = 0xFFFF, 0xFFFF
fw.stream_frame()
print(struct.unpack_from('<II', sink.last, 8), fw.samples_read())
fw.stream_frame()
print(struct.unpack_from('<II', sink.last, 8))

sink.write = lambda mv: len(mv)
class NoCrc:
    # binascii.crc32 returns big ints (heap objects) for 3 CRCs in 4: leave it out of this check
    @staticmethod
    def crc32(data, crc=0):
        return 0
main.binascii = NoCrc
micropython.heap_lock()
try:
    for i in range(300):
        fw.stream_frame()
finally:
    micropython.heap_unlock()
    main.binascii = binascii
print('no allocation in', 300, 'frames')
`);
    assert.equal(out, `(4294967295, 4294967040) 256\n(0, 256)\nno allocation in 300 frames\n`);
  });
});
