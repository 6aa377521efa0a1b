import { EventEmitter } from 'node:events';
import { assertFormat, AudioFormat } from '../audio/format';
import { describeTestSignal, TestSignalGenerator, TestSignalOptions } from '../audio/test-signal';
import { SourceInfo } from '../contract/audio-chunk';
import { AudioSource, AudioSourceEvents } from './audio-source';

export interface TestSourceOptions extends TestSignalOptions {
  format: AudioFormat;
  /** How often the simulated device delivers a period of frames. */
  periodMs?: number;
  /** How much the simulated device buffers while nobody reads (event loop stalls); more is lost as an overrun. */
  bufferMs?: number;
}

/**
 * A built-in signal generator that behaves like a capture device: frames are produced by
 * the wall clock, not on demand, so a slow consumer cannot slow it down. After an event
 * loop stall it delivers the backlog it buffered and reports anything beyond its buffer as
 * an overrun, as a sound card does.
 */
export class TestSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly format: AudioFormat;
  readonly info: SourceInfo;
  private readonly generator: TestSignalGenerator;
  private readonly periodMs: number;
  private readonly bufferFrames: number;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0n;
  private framesDelivered = 0;

  constructor(options: TestSourceOptions) {
    super();
    assertFormat(options.format);
    this.format = options.format;
    this.info = { kind: 'test', device: describeTestSignal(options) };
    this.generator = new TestSignalGenerator(options.format, options);
    this.periodMs = options.periodMs ?? 20;
    this.bufferFrames = Math.round(((options.bufferMs ?? 2000) * options.format.sampleRate) / 1000);
  }

  async open(): Promise<void> {}

  start(): void {
    if (this.timer) return;
    this.startedAt = process.hrtime.bigint();
    this.framesDelivered = 0;
    this.timer = setInterval(() => this.deliver(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
  }

  private deliver(): void {
    const elapsedNs = process.hrtime.bigint() - this.startedAt;
    const due = Number((elapsedNs * BigInt(this.format.sampleRate)) / 1_000_000_000n) - this.framesDelivered;
    if (due <= 0) return;
    const lost = Math.max(0, due - this.bufferFrames);
    if (lost > 0) {
      this.framesDelivered += lost;
      this.generator.next(lost);
      this.emit('overrun', lost);
    }
    const frames = due - lost;
    this.framesDelivered += frames;
    this.emit('data', this.generator.next(frames));
  }
}
