/**
 * The host end of a simulated Pico link for firmware tests: a serialport on the pty, every frame
 * the device sends (decoded by src/lib/pico's LinkFrameDecoder), and commands out.
 */
import { SerialPort } from 'serialport';
import { LinkFrameDecoder } from '../../../src/lib/pico/frame-decoder';
import { encodeCommand, type HostCommand } from '../../../src/lib/pico/host-commands';
import type { LinkFrame } from '../../../src/lib/pico/link-frame';

export class PicoTestHost {
  readonly frames: LinkFrame[] = [];
  /** Every byte received, frames and text alike (the REPL's output, tracebacks). */
  received = Buffer.alloc(0);
  readonly decoder = new LinkFrameDecoder((frame) => {
    this.frames.push(frame);
    this.wake();
  });
  private seq = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.decoder.push(chunk);
      this.wake();
    });
  }

  static async open(path: string): Promise<PicoTestHost> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new PicoTestHost(port);
  }

  send(command: HostCommand): void {
    this.sendRaw(encodeCommand(command, this.seq++));
  }

  sendRaw(bytes: Buffer): void {
    this.port.write(bytes);
  }

  /** Index of the next frame to arrive: pass it as `from` to wait for what an action causes. */
  get mark(): number {
    return this.frames.length;
  }

  /** The first frame from index `from` on that matches. */
  waitForFrame(match: (frame: LinkFrame) => boolean, what: string, timeoutMs = 5000, from = 0): Promise<LinkFrame> {
    return this.waitUntil(() => this.frames.slice(from).find(match), what, timeoutMs);
  }

  waitForText(text: string, what: string, timeoutMs = 5000, fromByte = 0): Promise<number> {
    return this.waitUntil(() => {
      const at = this.received.indexOf(text, fromByte);
      return at < 0 ? undefined : at;
    }, what, timeoutMs);
  }

  private waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = probe();
        if (found === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
