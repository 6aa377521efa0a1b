import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { LinkFrameDecoder } from '../../src/lib/pico/frame-decoder';
import { DeviceFrameType, HostFrameType } from '../../src/lib/pico/frame-types';
import { encodeCommand } from '../../src/lib/pico/host-commands';
import { encodeFrame, HEADER_BYTES, LinkFrame, MAX_PAYLOAD_BYTES, SYNC } from '../../src/lib/pico/link-frame';
import { sph0645Slots } from '../support/pico-device';
import { randomInt, seededRandom } from '../support/seeded-random';

function decodeAll(bytes: Buffer, sliceSizes: (remaining: number) => number = () => bytes.length): { frames: LinkFrame[]; decoder: LinkFrameDecoder } {
  const frames: LinkFrame[] = [];
  const decoder = new LinkFrameDecoder((frame) => frames.push(frame));
  for (let at = 0; at < bytes.length; ) {
    const size = Math.max(1, Math.min(sliceSizes(bytes.length - at), bytes.length - at));
    decoder.push(bytes.subarray(at, at + size));
    at += size;
  }
  return { frames, decoder };
}

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

describe('Pico link frame', () => {
  it('encodes the worked examples of docs/pico-link-protocol.md byte for byte', () => {
    assert.deepEqual(
      encodeCommand({ kind: 'ping', token: 0x12345678 }, 0),
      hex('a5 5a 50 4b 10 84 04 00 00 00 00 00 00 00 00 00 00 00 00 00 78 56 34 12 46 6b 90 ce'),
    );
    assert.deepEqual(
      encodeFrame({ type: DeviceFrameType.audio, seq: 7, sample: 1000, ticks: 123456, payload: sph0645Slots([0x12345, -5]) }),
      hex('a5 5a 50 4b 10 02 08 00 07 00 00 00 e8 03 00 00 40 e2 01 00 00 40 d1 48 00 c0 fe ff 81 52 f5 ea'),
    );
  });

  it('uses the CRC-32 of zlib and MicroPython binascii (check value 0xCBF43926)', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    const frame = encodeFrame({ type: DeviceFrameType.status, seq: 1, sample: 0, ticks: 0, payload: Buffer.alloc(32) });
    assert.equal(frame.readUInt32LE(frame.length - 4), crc32(frame.subarray(0, frame.length - 4)));
  });

  it('round-trips every field, including u32 values at their wrap', () => {
    const payload = Buffer.from('any bytes at all');
    const frame = { version: 0x13, type: 0x7e, seq: 0xffff_ffff, sample: 0xffff_fffe, ticks: 0x3fff_ffff, payload };
    const { frames } = decodeAll(encodeFrame(frame));
    assert.deepEqual(frames, [frame]);
  });

  it('round-trips empty and largest payloads, and refuses a larger one', () => {
    const empty = { version: 0x10, type: HostFrameType.stop, seq: 3, sample: 0, ticks: 0, payload: Buffer.alloc(0) };
    const largest = { ...empty, type: DeviceFrameType.audio, payload: Buffer.alloc(MAX_PAYLOAD_BYTES, 7) };
    assert.deepEqual(decodeAll(Buffer.concat([encodeFrame(empty), encodeFrame(largest)])).frames, [empty, largest]);
    assert.throws(() => encodeFrame({ ...empty, payload: Buffer.alloc(MAX_PAYLOAD_BYTES + 1) }), RangeError);
  });

  it('gives payloads the receiver may keep after later pushes', () => {
    const first = encodeFrame({ type: 2, seq: 0, sample: 0, ticks: 0, payload: Buffer.alloc(400, 1) });
    const second = encodeFrame({ type: 2, seq: 1, sample: 100, ticks: 0, payload: Buffer.alloc(400, 2) });
    const { frames } = decodeAll(Buffer.concat([first, second, first, second, first]), () => 50);
    assert.equal(frames.length, 5);
    frames.forEach((frame, i) => assert.ok(frame.payload.every((byte) => byte === (i % 2) + 1)));
  });
});

/** A stream of frames with some damaged, and the frames that must come out of it. */
interface Scenario {
  bytes: Buffer;
  /** Frames that reached the receiver whole, in order. */
  intact: LinkFrame[];
  /** Every audio frame sent: its first sample and 18-bit values. */
  audio: { first: number; values: number[] }[];
  damaged: number;
}

type Damage = 'flip' | 'truncate' | 'none';

const REPL_TEXT = [
  'MicroPython v1.24.0 on 2024-10-25; Raspberry Pi Pico with RP2040\r\nType "help()" for more information.\r\n>>> ',
  'Traceback (most recent call last):\r\n  File "main.py", line 42, in <module>\r\nOSError: [Errno 5] EIO\r\n',
  'MPY: soft reboot\r\n',
];

function garbage(random: () => number): Buffer {
  switch (randomInt(random, 0, 4)) {
    case 0:
      return Buffer.from(REPL_TEXT[randomInt(random, 0, REPL_TEXT.length - 1)]!);
    case 1: {
      // A false sync with a plausible length: the CRC must catch it, and the frame after it must survive.
      const fake = Buffer.alloc(HEADER_BYTES + randomInt(random, 0, 40));
      SYNC.copy(fake);
      fake.writeUInt16LE(randomInt(random, 0, 3000), 6);
      return fake;
    }
    case 2: {
      const oversize = Buffer.alloc(HEADER_BYTES);
      SYNC.copy(oversize);
      oversize.writeUInt16LE(0xffff, 6);
      return oversize;
    }
    case 3:
      return SYNC.subarray(0, randomInt(random, 1, 3));
    default:
      return Buffer.from(Array.from({ length: randomInt(random, 1, 300) }, () => randomInt(random, 0, 255)));
  }
}

function scenario(seed: number, options: { frames: number; damage: Damage[]; garbageBetween: number; maxSamples?: number }): Scenario {
  const random = seededRandom(seed);
  const pieces: Buffer[] = [];
  const intact: LinkFrame[] = [];
  const audio: Scenario['audio'] = [];
  let damaged = 0;
  let sample = 0;
  for (let seq = 0; seq < options.frames; seq++) {
    if (random() < options.garbageBetween) pieces.push(garbage(random));
    let frame: LinkFrame;
    if (random() < 0.9) {
      const values = Array.from({ length: randomInt(random, 16, options.maxSamples ?? 512) }, () => randomInt(random, -131072, 131071));
      frame = { version: 0x10, type: DeviceFrameType.audio, seq, sample, ticks: seq * 10, payload: sph0645Slots(values) };
      audio.push({ first: sample, values });
      sample += values.length;
    } else {
      frame = { version: 0x10, type: DeviceFrameType.button, seq, sample: 0, ticks: seq * 10, payload: Buffer.from([15, seq & 1]) };
    }
    const bytes = encodeFrame(frame);
    const damage = options.damage[randomInt(random, 0, options.damage.length - 1)]!;
    if (damage === 'flip') {
      const at = randomInt(random, 0, bytes.length - 1);
      bytes[at] = (bytes[at] as number) ^ (1 << randomInt(random, 0, 7));
      pieces.push(bytes);
      damaged++;
    } else if (damage === 'truncate') {
      pieces.push(bytes.subarray(0, randomInt(random, 1, bytes.length - 1)));
      damaged++;
    } else {
      pieces.push(bytes);
      intact.push(frame);
    }
  }
  return { bytes: Buffer.concat(pieces), intact, audio, damaged };
}

/** Slices as a serial port delivers them: mostly up to 4 KiB, sometimes a byte or a few. */
function randomSlices(seed: number): (remaining: number) => number {
  const random = seededRandom(seed);
  return () => (random() < 0.2 ? randomInt(random, 1, 7) : randomInt(random, 1, 4096));
}

function assertSameFrames(actual: LinkFrame[], expected: LinkFrame[]): void {
  assert.equal(actual.length, expected.length, `${actual.length} frames decoded, ${expected.length} intact`);
  actual.forEach((frame, i) => assert.deepEqual(frame, expected[i], `frame ${i} (seq ${expected[i]?.seq})`));
}

/** Rebuilds the sample timeline from decoded audio frames the way the source does: gaps as zeros. */
async function rebuildTimeline(frames: LinkFrame[]): Promise<number[]> {
  const { AudioTimeline } = await import('../../src/lib/pico/audio-timeline');
  const { SlotDecoder } = await import('../../src/lib/pico/slot-decoder');
  const timeline = new AudioTimeline({ maxGapSamples: 48000 * 60, maxBackwardSamples: 48000 });
  const slots = new SlotDecoder(18);
  const out: number[] = [];
  for (const frame of frames) {
    if (frame.type !== DeviceFrameType.audio) continue;
    const placement = timeline.place(frame.sample, frame.payload.length / 4);
    if (!placement) continue;
    for (let i = 0; i < placement.gap; i++) out.push(0);
    const pcm = slots.decode(frame.payload.subarray(placement.skip * 4));
    for (let at = 0; at < pcm.length; at += 4) out.push(pcm.readInt32LE(at) >> 14);
  }
  return out;
}

function expectedTimeline(s: Scenario): number[] {
  const kept = new Set(s.intact.filter((f) => f.type === DeviceFrameType.audio).map((f) => f.sample));
  const lastKept = s.audio.filter((a) => kept.has(a.first)).at(-1);
  if (!lastKept) return [];
  const out: number[] = [];
  for (const a of s.audio) {
    if (a.first > lastKept.first) break;
    for (const value of a.values) out.push(kept.has(a.first) ? value : 0);
  }
  return out;
}

describe('Pico link stream decoder', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds every frame of a clean stream cut at random (seed ${seed})`, () => {
      const s = scenario(seed, { frames: 300, damage: ['none'], garbageBetween: 0 });
      const { frames, decoder } = decodeAll(s.bytes, randomSlices(seed));
      assertSameFrames(frames, s.intact);
      assert.deepEqual(decoder.stats, { frames: 300, bytesSkipped: 0, crcFailures: 0, oversizeLengths: 0, tornFrames: 0 });
      assert.equal(decoder.pendingBytes, 0);
    });
  }

  it('skips REPL text, false syncs and oversize lengths between frames, keeping every frame once', () => {
    const s = scenario(11, { frames: 400, damage: ['none'], garbageBetween: 0.5 });
    const { frames, decoder } = decodeAll(s.bytes, randomSlices(11));
    assertSameFrames(frames, s.intact);
    assert.ok(decoder.stats.oversizeLengths > 0, 'oversize lengths counted');
    assert.ok(decoder.stats.crcFailures > 0, 'false syncs fail their CRC');
    const frameBytes = s.intact.reduce((sum, f) => sum + f.payload.length + 24, 0);
    assert.equal(decoder.stats.bytesSkipped + decoder.pendingBytes, s.bytes.length - frameBytes);
  });

  it('loses only the frames with a flipped bit', () => {
    const s = scenario(21, { frames: 400, damage: ['none', 'none', 'flip'], garbageBetween: 0.1 });
    assert.ok(s.damaged > 50);
    const { frames, decoder } = decodeAll(s.bytes, randomSlices(21));
    assertSameFrames(frames, s.intact);
    // A flip in a length can make a frame look oversize or torn instead of failing its CRC.
    const { crcFailures, oversizeLengths, tornFrames } = decoder.stats;
    assert.ok(crcFailures + oversizeLengths + tornFrames >= s.damaged);
  });

  it('loses only the truncated frames', () => {
    const s = scenario(31, { frames: 400, damage: ['none', 'none', 'truncate'], garbageBetween: 0 });
    const { frames } = decodeAll(s.bytes, randomSlices(31));
    assertSameFrames(frames, s.intact);
  });

  /** Drops bytes from a clean stream; returns the stream and the frames no drop touched. */
  function dropBytes(clean: Scenario, seed: number, dropAt: (random: () => number) => number): { bytes: Buffer; survivors: LinkFrame[] } {
    const random = seededRandom(seed);
    const dropped = new Uint8Array(clean.bytes.length);
    for (let i = 0; i < clean.bytes.length; ) {
      const run = dropAt(random);
      dropped.fill(1, i, i + run);
      i += Math.max(run, 1);
    }
    const survivors: LinkFrame[] = [];
    let from = 0;
    for (const frame of clean.intact) {
      const bytes = encodeFrame(frame);
      const at = clean.bytes.indexOf(bytes, from);
      from = at + bytes.length;
      if (!dropped.subarray(at, at + bytes.length).includes(1)) survivors.push(frame);
    }
    return { bytes: Buffer.from(clean.bytes.filter((_, i) => dropped[i] === 0)), survivors };
  }

  it('keeps every frame that 1% of bytes dropped one at a time did not touch', () => {
    const clean = scenario(41, { frames: 1000, damage: ['none'], garbageBetween: 0.2, maxSamples: 64 });
    const { bytes, survivors } = dropBytes(clean, 42, (random) => (random() < 0.01 ? 1 : 0));
    assert.ok(survivors.length < clean.intact.length * 0.6 && survivors.length > clean.intact.length * 0.1);
    const { frames } = decodeAll(bytes, randomSlices(43));
    assertSameFrames(frames, survivors);
  });

  it('keeps every frame that 1% of bytes dropped as 64-byte USB packets did not touch', () => {
    const clean = scenario(44, { frames: 600, damage: ['none'], garbageBetween: 0.2 });
    const { bytes, survivors } = dropBytes(clean, 45, (random) => (random() < 0.01 / 64 ? 64 : 0));
    assert.ok(survivors.length < clean.intact.length && survivors.length > clean.intact.length * 0.5);
    const { frames } = decodeAll(bytes, randomSlices(46));
    assertSameFrames(frames, survivors);
  });

  it('delivers a frame behind a torn one at once, without waiting for the torn length', () => {
    const audio = encodeFrame({ type: DeviceFrameType.audio, seq: 0, sample: 0, ticks: 0, payload: Buffer.alloc(2048) });
    const button = encodeFrame({ type: DeviceFrameType.button, seq: 1, sample: 0, ticks: 5, payload: Buffer.from([15, 1]) });
    const frames: LinkFrame[] = [];
    const decoder = new LinkFrameDecoder((frame) => frames.push(frame));
    decoder.push(audio.subarray(0, 700));
    assert.equal(frames.length, 0);
    decoder.push(button.subarray(0, 10));
    decoder.push(button.subarray(10));
    assert.deepEqual(frames.map((f) => f.seq), [1]);
    assert.equal(decoder.stats.tornFrames, 1);
    assert.equal(decoder.stats.bytesSkipped, 700);
    assert.equal(decoder.pendingBytes, 0);
  });

  it('never throws on random bytes, and holds at most one frame of them', () => {
    const random = seededRandom(51);
    const noise = Buffer.from(Array.from({ length: 200_000 }, () => randomInt(random, 0, 255)));
    // Sync words sprinkled in, so lengths and CRCs get checked too.
    for (let at = 0; at < noise.length - 4; at += randomInt(random, 100, 3000)) SYNC.copy(noise, at);
    const { frames, decoder } = decodeAll(noise, randomSlices(52));
    assert.equal(frames.length, 0);
    assert.ok(decoder.pendingBytes <= HEADER_BYTES + MAX_PAYLOAD_BYTES + 4);
    assert.equal(decoder.stats.bytesSkipped + decoder.pendingBytes, noise.length);
  });

  for (const seed of [61, 62]) {
    it(`rebuilds the exact timeline from a damaged stream: gaps filled with silence of the right length (seed ${seed})`, async () => {
      const s = scenario(seed, { frames: 500, damage: ['none', 'none', 'none', 'flip', 'truncate'], garbageBetween: 0.2 });
      const { frames } = decodeAll(s.bytes, randomSlices(seed));
      assertSameFrames(frames, s.intact);
      const rebuilt = await rebuildTimeline(frames);
      const expected = expectedTimeline(s);
      assert.equal(rebuilt.length, expected.length);
      assert.deepEqual(rebuilt, expected);
    });
  }
});
