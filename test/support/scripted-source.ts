import { EventEmitter } from 'node:events';
import { AudioFormat } from '../../src/lib/audio/format';
import { AudioSource, AudioSourceEvents, SourceFailure } from '../../src/lib/capture/audio-source';
import { SourceInfo } from '../../src/lib/contract/audio-chunk';

/** A source the test drives by hand: it delivers exactly the data, overruns and failures scripted. */
export class ScriptedSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly info: SourceInfo = { kind: 'test', device: 'scripted' };
  opened = 0;
  closed = 0;
  started = false;
  failOpen: Error | undefined;
  /** Audio the device already holds when started, handed over inside start() (arecord's first read). */
  heldAtStart: Buffer | undefined;

  constructor(readonly format: AudioFormat) {
    super();
  }

  async open(): Promise<void> {
    if (this.failOpen) throw this.failOpen;
    this.opened++;
  }

  start(): void {
    this.started = true;
    if (this.heldAtStart) this.emit('data', this.heldAtStart);
  }

  stop(): void {
    this.started = false;
  }

  async close(): Promise<void> {
    this.started = false;
    this.closed++;
  }

  deliver(pcm: Buffer): void {
    if (this.started) this.emit('data', pcm);
  }

  overrun(frames: number): void {
    if (this.started) this.emit('overrun', frames);
  }

  fail(message: string, reason: 'error' | 'device-lost'): void {
    this.emit('error', new SourceFailure(message, reason));
  }
}

/** PCM whose 16-bit samples count up from `first`, so any lost, repeated or reordered sample shows. */
export function countingPcm16(first: number, samples: number): Buffer {
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeUInt16LE((first + i) & 0xffff, i * 2);
  return pcm;
}

/** Everything a source emits, collected for assertions. */
export interface SourceEvents {
  data: Buffer[];
  overruns: number[];
  errors: SourceFailure[];
}

export function recordSourceEvents(source: AudioSource): SourceEvents {
  const events: SourceEvents = { data: [], overruns: [], errors: [] };
  source.on('data', (pcm) => events.data.push(pcm));
  source.on('overrun', (frames) => events.overruns.push(frames));
  source.on('error', (err) => events.errors.push(err));
  return events;
}
