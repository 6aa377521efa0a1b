import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ConvertedSource } from '../../src/lib/capture/converted-source';
import { AudioFormat } from '../../src/lib/audio/format';
import { AudioSource, AudioSourceEvents, SourceFailure } from '../../src/lib/capture/audio-source';
import { SourceInfo } from '../../src/lib/contract/audio-chunk';
import { recordSourceEvents } from '../support/scripted-source';

const stereo32: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'signed' };

/** An inner source that logs what it is asked to do and emits what the test tells it to. */
class FakeSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly info: SourceInfo = { kind: 'test', device: 'fake' };
  readonly calls: string[] = [];
  openFailure: Error | undefined;

  constructor(readonly format: AudioFormat) {
    super();
  }

  async open(): Promise<void> {
    this.calls.push('open');
    if (this.openFailure) throw this.openFailure;
  }

  start(): void {
    this.calls.push('start');
  }

  stop(): void {
    this.calls.push('stop');
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }
}

function int32s(values: number[]): Buffer {
  const pcm = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => pcm.writeInt32LE(value, i * 4));
  return pcm;
}

function readInt16s(pcm: Buffer): number[] {
  return Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));
}

describe('ConvertedSource', () => {
  it('shows the converted format and the inner source info', () => {
    const inner = new FakeSource(stereo32);
    const source = new ConvertedSource(inner, { channels: [1], bitDepth: 16 });
    assert.deepEqual(source.format, { sampleRate: 48000, channels: 1, bitDepth: 16, encoding: 'signed' });
    assert.equal(source.info, inner.info);
  });

  it('passes open, start, stop and close through to the inner source, in order', async () => {
    const inner = new FakeSource(stereo32);
    const source = new ConvertedSource(inner, { bitDepth: 16 });
    await source.open();
    source.start();
    source.stop();
    await source.close();
    assert.deepEqual(inner.calls, ['open', 'start', 'stop', 'close']);
  });

  it('fails to open when the inner source does', async () => {
    const inner = new FakeSource(stereo32);
    inner.openFailure = new Error('no such device');
    await assert.rejects(new ConvertedSource(inner, { bitDepth: 16 }).open(), /no such device/);
  });

  it('converts data, and passes overruns and errors through unchanged', () => {
    const inner = new FakeSource(stereo32);
    const source = new ConvertedSource(inner, { channels: [1], bitDepth: 16 });
    const events = recordSourceEvents(source);
    inner.emit('data', int32s([0, 0x0001_8000, 0, -0x7fff_0000]));
    inner.emit('overrun', 480);
    const failure = new SourceFailure('unplugged', 'device-lost');
    inner.emit('error', failure);

    assert.deepEqual(events.data.map(readInt16s), [[2, -32767]]);
    assert.deepEqual(events.overruns, [480]);
    assert.equal(events.errors.length, 1);
    assert.equal(events.errors[0], failure);
  });

  it('carries the DC blocker state from one data event to the next', () => {
    const inner = new FakeSource({ ...stereo32, channels: 1 });
    const events = recordSourceEvents(new ConvertedSource(inner, { dcBlockHz: 10 }));
    inner.emit('data', int32s([1000, 1000]));
    inner.emit('data', int32s([2000, 2000]));
    const values = events.data.map((pcm) => Array.from({ length: pcm.length / 4 }, (_, i) => pcm.readInt32LE(i * 4)));
    // Primed by the first sample of the first event only; R = 0.99869 at 10 Hz: 1000 R = 998.7.
    assert.deepEqual(values, [
      [0, 0],
      [1000, 999],
    ]);
  });

  it('hands data through untouched when no option applies', () => {
    const inner = new FakeSource(stereo32);
    const events = recordSourceEvents(new ConvertedSource(inner, {}));
    const pcm = int32s([1, 2]);
    inner.emit('data', pcm);
    assert.equal(events.data[0], pcm);
  });

  it('stops the inner source and fails, rather than throw into it, when data is not whole frames', () => {
    const inner = new FakeSource(stereo32);
    const events = recordSourceEvents(new ConvertedSource(inner, { bitDepth: 16 }));
    assert.doesNotThrow(() => inner.emit('data', Buffer.alloc(6)));
    assert.deepEqual(events.data, []);
    assert.deepEqual(inner.calls, ['stop']);
    assert.equal(events.errors.length, 1);
    assert.ok(events.errors[0] instanceof SourceFailure);
    assert.equal(events.errors[0].reason, 'error');
    assert.match(events.errors[0].message, /audio conversion failed: PCM of 6 bytes is not a whole number of 8-byte frames/);
    assert.ok(events.errors[0].cause instanceof RangeError);
  });

  it('refuses options that do not fit the inner format', () => {
    assert.throws(() => new ConvertedSource(new FakeSource(stereo32), { channels: [2] }), RangeError);
  });
});
