import { EventEmitter } from 'node:events';
import { ByteLink } from './byte-link';

/**
 * One user's turn on an open serial port (a SerialPort is a ByteLink): a ByteLink that passes
 * the port's bytes both ways until the port closes or the session is ended, and then says
 * 'close'. So a PicoLink can be retired (the firmware deploy takes the port over from it) and
 * its listeners, a recording among them, hear that their link is gone, without the port itself
 * being closed.
 */
export class PortSession extends EventEmitter<{ data: [bytes: Buffer]; close: [] }> implements ByteLink {
  private ended = false;
  private readonly forward = (bytes: Buffer): void => {
    this.emit('data', bytes);
  };

  constructor(private readonly port: ByteLink) {
    super();
    port.on('data', this.forward);
    port.on('close', this.end);
  }

  get active(): boolean {
    return !this.ended;
  }

  write(bytes: Buffer): void {
    if (!this.ended) this.port.write(bytes);
  }

  /** Stops passing bytes and tells the listeners the link closed. */
  readonly end = (): void => {
    if (this.ended) return;
    this.ended = true;
    this.port.removeListener('data', this.forward);
    this.port.removeListener('close', this.end);
    this.emit('close');
  };
}
