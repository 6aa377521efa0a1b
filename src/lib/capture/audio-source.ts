import { EventEmitter } from 'node:events';
import { AudioFormat } from '../audio/format';
import { SourceInfo } from '../contract/audio-chunk';

export interface AudioSourceEvents {
  /** Whole frames of interleaved PCM, in order. */
  data: [pcm: Buffer];
  /** The device lost this many frames here (overflow, transport loss); the timeline must count them. */
  overrun: [frames: number];
  /** The source failed and stopped delivering; it still needs close(). */
  error: [err: SourceFailure];
}

/**
 * A capture device as mic-in drives it. open() acquires the device, start()/stop() begin and
 * end delivery of `data` events (stop is synchronous: no data event follows it), close()
 * releases everything. ALSA and Pico sources implement the same shape.
 */
export interface AudioSource extends EventEmitter<AudioSourceEvents> {
  readonly format: AudioFormat;
  readonly info: SourceInfo;
  open(): Promise<void>;
  start(): void;
  stop(): void;
  close(): Promise<void>;
}

/** A source failure, with the reason the recording ends with. */
export class SourceFailure extends Error {
  constructor(
    message: string,
    readonly reason: 'error' | 'device-lost',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
