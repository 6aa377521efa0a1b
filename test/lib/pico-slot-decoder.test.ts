import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioFormat } from '../../src/lib/audio/format';
import { ConvertedSource } from '../../src/lib/capture/converted-source';
import { linkAudioFormat, SlotDecoder } from '../../src/lib/pico/slot-decoder';
import { sph0645Slots } from '../support/pico-device';
import { ScriptedSource } from '../support/scripted-source';

function int32s(pcm: Buffer): number[] {
  return Array.from({ length: pcm.length / 4 }, (_, i) => pcm.readInt32LE(i * 4));
}

/** The slots decoded, as PicoAudioSource delivers them, through mic-in's converter. */
function convert(values: number[], options: { bitDepth?: 16 | 24; dcBlockHz?: number }): { format: AudioFormat; pcm: Buffer } {
  const inner = new ScriptedSource(linkAudioFormat(48000, 18));
  const source = new ConvertedSource(inner, options);
  const out: Buffer[] = [];
  source.on('data', (pcm) => out.push(pcm));
  source.start();
  inner.deliver(new SlotDecoder(18).decode(sph0645Slots(values)));
  return { format: source.format, pcm: Buffer.concat(out) };
}

describe('SPH0645 slot decoding', () => {
  const extremes = [0, 1, -1, 2, -2, 0x1ffff, -0x20000, 74565, -5];

  it('keeps 18-bit samples at the top of 32-bit PCM, negative ones with their sign', () => {
    const pcm = new SlotDecoder(18).decode(sph0645Slots(extremes));
    assert.deepEqual(int32s(pcm), extremes.map((value) => value * 2 ** 14));
    assert.deepEqual(int32s(pcm).map((sample) => sample >> 14), extremes);
    // What a mask or a logical shift would have made of -1: a large positive number.
    assert.equal((int32s(pcm)[2]! >>> 14) & 0x3ffff, 0x3ffff);
  });

  it('clears and counts bits below the 18 valid ones', () => {
    const slots = sph0645Slots([-5, 3, 100]);
    slots.writeInt32LE((-5 * 2 ** 14) | 0x2001, 0);
    slots.writeInt32LE(3 * 2 ** 14 + 0x3fff, 4);
    const decoder = new SlotDecoder(18);
    assert.deepEqual(int32s(decoder.decode(slots)).map((sample) => sample / 2 ** 14), [-5, 3, 100]);
    assert.equal(decoder.slotsWithStrayBits, 2);
  });

  it('declares 32-bit signed PCM with 18 valid bits, one channel', () => {
    assert.deepEqual(linkAudioFormat(48000, 18), { sampleRate: 48000, channels: 1, bitDepth: 32, encoding: 'signed', validBits: 18 });
    assert.throws(() => new SlotDecoder(0), RangeError);
  });

  it('converts to 24-bit exactly (18 bits fit) and to 16-bit rounded half to even', () => {
    const to24 = convert(extremes, { bitDepth: 24 });
    assert.deepEqual(to24.format, { sampleRate: 48000, channels: 1, bitDepth: 24, encoding: 'signed', validBits: 18 });
    const read24 = Array.from({ length: extremes.length }, (_, i) => to24.pcm.readIntLE(i * 3, 3));
    assert.deepEqual(read24, extremes.map((value) => value * 64));

    // 18 to 16 bits divides by 4: 2/4 = 0.5 -> 0, 6/4 = 1.5 -> 2, 10/4 = 2.5 -> 2, -6/4 = -1.5 -> -2, -5/4 -> -1.
    const to16 = convert([2, 6, 10, -6, -5, 0x1ffff, -0x20000], { bitDepth: 16 });
    assert.equal(to16.format.bitDepth, 16);
    const read16 = Array.from({ length: 7 }, (_, i) => to16.pcm.readInt16LE(i * 2));
    assert.deepEqual(read16, [0, 2, 2, -2, -1, 32767, -32768]);
  });

  it('removes an SPH0645-like DC offset with the DC blocker, keeping the signal', () => {
    const rate = 48000;
    // A strong negative offset, as SPH0645s show, under a 1 kHz tone.
    const values = Array.from({ length: rate }, (_, i) => Math.round(-9000 + 4000 * Math.sin((2 * Math.PI * 1000 * i) / rate)));
    const { format, pcm } = convert(values, { bitDepth: 16, dcBlockHz: 10 });
    assert.equal(format.validBits, undefined, 'filtered samples fill all 16 bits');
    const samples = Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));
    const tail = samples.slice(rate / 2);
    const mean = tail.reduce((sum, sample) => sum + sample, 0) / tail.length;
    const peak = Math.max(...tail.map(Math.abs));
    assert.ok(Math.abs(mean) < 2, `DC left: ${mean}`);
    assert.ok(Math.abs(peak - 1000) < 20, `tone peak ${peak}, expected about 4000 / 4`);
  });
});
