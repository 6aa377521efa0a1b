import { EventEmitter } from 'node:events';
import { SourceInfo } from '../contract/audio-chunk';
import { AudioSource, AudioSourceEvents, SourceFailure } from './audio-source';
import { AudioFormat } from '../audio/format';
import { AudioConversion } from '../audio/convert/conversion-options';
import { Converter, createConverter } from '../audio/convert/converter';

/**
 * An AudioSource that is another one with a conversion applied: same device and controls,
 * converted `data`. Overruns pass through as they are, since a conversion keeps the frame count.
 * Throws a RangeError at construction when the options do not fit the inner source's format.
 */
export class ConvertedSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly format: AudioFormat;
  readonly info: SourceInfo;
  private readonly converter: Converter;

  constructor(
    private readonly inner: AudioSource,
    options: AudioConversion,
  ) {
    super();
    this.converter = createConverter(inner.format, options);
    this.format = this.converter.format;
    this.info = inner.info;
    inner.on('data', (pcm) => this.onData(pcm));
    inner.on('overrun', (frames) => this.emit('overrun', frames));
    inner.on('error', (err) => this.emit('error', err));
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  start(): void {
    this.inner.start();
  }

  stop(): void {
    this.inner.stop();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * A conversion that throws (the inner source broke its promise of whole frames) must not
   * escape into the device's callback: the source stops and fails, as a device would.
   */
  private onData(pcm: Buffer): void {
    let converted: Buffer;
    try {
      converted = this.converter.convert(pcm);
    } catch (err) {
      this.inner.stop();
      this.emit('error', new SourceFailure(`audio conversion failed: ${(err as Error).message}`, 'error', { cause: err }));
      return;
    }
    this.emit('data', converted);
  }
}
