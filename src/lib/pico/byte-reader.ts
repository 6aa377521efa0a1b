import { ByteLink } from './byte-link';
import { WakeSignal } from './wake-signal';

/**
 * What a device says on a byte link, read the way a terminal script reads it: up to a marker,
 * or so many bytes, each with a deadline. Bytes arriving before anyone asks are kept.
 */
export class ByteReader {
  private buffered = Buffer.alloc(0);
  private readonly wakeSignal = new WakeSignal();
  private closed = false;
  private readonly onData = (bytes: Buffer): void => {
    this.buffered = Buffer.concat([this.buffered, bytes]);
    this.wakeSignal.wake();
  };
  private readonly onClose = (): void => {
    this.closed = true;
    this.wakeSignal.wake();
  };

  constructor(private readonly link: ByteLink) {
    link.on('data', this.onData);
    link.on('close', this.onClose);
  }

  /** Bytes received and not read yet. */
  get pending(): number {
    return this.buffered.length;
  }

  /** Forgets what was received so far (a banner, echoes, a stream's tail). */
  discard(): void {
    this.buffered = Buffer.alloc(0);
  }

  /** The bytes before `marker` (which is consumed too). */
  until(marker: string | Buffer, timeoutMs: number, what: string): Promise<Buffer> {
    const wanted = typeof marker === 'string' ? Buffer.from(marker, 'latin1') : marker;
    return this.read(() => {
      const at = this.buffered.indexOf(wanted);
      if (at < 0) return undefined;
      const before = this.buffered.subarray(0, at);
      this.buffered = this.buffered.subarray(at + wanted.length);
      return before;
    }, timeoutMs, what);
  }

  /** The next `count` bytes. */
  take(count: number, timeoutMs: number, what: string): Promise<Buffer> {
    return this.read(() => {
      if (this.buffered.length < count) return undefined;
      const taken = this.buffered.subarray(0, count);
      this.buffered = this.buffered.subarray(count);
      return taken;
    }, timeoutMs, what);
  }

  dispose(): void {
    this.link.removeListener('data', this.onData);
    this.link.removeListener('close', this.onClose);
    this.onClose();
  }

  private async read(probe: () => Buffer | undefined, timeoutMs: number, what: string): Promise<Buffer> {
    const found = await this.wakeSignal.until(() => {
      const bytes = probe();
      if (bytes) return Buffer.from(bytes);
      if (this.closed) throw new Error(`the serial port closed while waiting for ${what}`);
      return undefined;
    }, timeoutMs);
    if (!found) throw new Error(`no ${what} within ${timeoutMs} ms (received: ${JSON.stringify(this.buffered.subarray(-80).toString('latin1'))})`);
    return found;
  }
}
