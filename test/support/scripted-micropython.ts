import { crc32 } from 'node:zlib';
import { SerialPort } from 'serialport';
import { FIRMWARE_VERSION_LINE } from '../../src/lib/pico/bundled-firmware';
import { LinkFrameDecoder } from '../../src/lib/pico/frame-decoder';
import { DeviceFrameType, HostFrameType } from '../../src/lib/pico/frame-types';
import { encodeFrame } from '../../src/lib/pico/link-frame';
import { helloPayload } from './pico-device';
import { startPtyPair, type PtyPair } from './pty-pair';

/**
 * How the device answers Ctrl-E 'A' Ctrl-A in its raw REPL: MicroPython 1.14 and later enter
 * raw-paste mode ('yes'); a build that knows the request but not the mode says "R\x00"
 * ('refused'); older ones take the Ctrl-A as "restart the raw REPL" ('unknown').
 */
export type RawPasteSupport = 'yes' | 'refused' | 'unknown';

export interface ScriptedMicroPythonOptions {
  rawPaste: RawPasteSupport;
  /** The raw-paste flow-control window, in bytes. Default 128 (MicroPython's). */
  window?: number;
  /** main.py on the device's flash when it starts. */
  mainPy: Buffer;
  /** Flash that corrupts the first byte written (an upload must then not replace main.py). */
  corruptWrites?: boolean;
}

const BANNER = 'MicroPython v1.22.0 on 2024-01-01; Raspberry Pi Pico with RP2040\r\nType "help()" for more information.\r\n>>> ';
const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n>';

/**
 * A MicroPython board scripted on the device end of a pty pair: the pico-mic firmware's
 * protocol until `exit` (a boot hello naming the version in its main.py), then the friendly and
 * raw REPL with raw-paste mode as MicroPython's docs describe it ("Raw mode and raw-paste mode"):
 * the window size and a second window at once, a new window granted (a little later, so a host
 * that does not wait overruns it) each time one has been consumed, the end of the data
 * acknowledged with Ctrl-D, output and errors each ended with Ctrl-D, then the prompt. The code
 * it is sent is "run" by recognising the statements firmware-upload.ts writes, on a flash of its own.
 */
export class ScriptedMicroPython {
  readonly files = new Map<string, Buffer>();
  /** Every piece of code run, with the mode it came in. */
  readonly runs: { mode: 'raw-paste' | 'raw'; code: string }[] = [];
  /** Bytes the host sent beyond the windows it was granted. */
  windowViolations = 0;
  /** Windows granted after the first two. */
  grants = 0;
  boots = 0;
  private mode: 'firmware' | 'friendly' | 'raw' | 'paste' = 'firmware';
  private line: number[] = [];
  private credit = 0;
  private sinceGrant = 0;
  private seq = 0;
  /** The file `_f` is, between the upload's open and its check. */
  private openFile: string | undefined;
  private pendingGrant: NodeJS.Timeout | undefined;
  private readonly decoder = new LinkFrameDecoder((frame) => {
    if (frame.type === HostFrameType.exit) this.toRepl();
  });

  private constructor(
    private readonly pair: PtyPair,
    private readonly port: SerialPort,
    private readonly options: ScriptedMicroPythonOptions,
  ) {
    this.files.set('main.py', options.mainPy);
    port.on('data', (bytes: Buffer) => {
      for (const byte of bytes) this.receive(byte);
    });
  }

  static async start(dir: string, options: ScriptedMicroPythonOptions): Promise<ScriptedMicroPython> {
    const pair = await startPtyPair(dir);
    const port = new SerialPort({ path: pair.devicePath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const device = new ScriptedMicroPython(pair, port, options);
    device.boot();
    return device;
  }

  get hostPath(): string {
    return this.pair.hostPath;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
    await this.pair.close();
  }

  private write(text: string | Buffer): void {
    this.port.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  private boot(): void {
    this.boots++;
    this.mode = 'firmware';
    const version = FIRMWARE_VERSION_LINE.exec(this.files.get('main.py')?.toString('utf8') ?? '')?.[1] ?? '?';
    this.write(encodeFrame({ type: DeviceFrameType.hello, seq: this.seq++, sample: 0, ticks: 0, payload: helloPayload({ sampleRate: 22050, streaming: false, firmware: `pico-mic ${version}` }) }));
  }

  private toRepl(): void {
    this.mode = 'friendly';
    this.write(`\r\n${BANNER}`);
  }

  private receive(byte: number): void {
    switch (this.mode) {
      case 'firmware':
        this.decoder.push(Buffer.from([byte]));
        return;
      case 'friendly':
        return this.friendly(byte);
      case 'raw':
        return this.raw(byte);
      case 'paste':
        return this.paste(byte);
    }
  }

  private friendly(byte: number): void {
    if (byte === 0x01) {
      this.mode = 'raw';
      this.line = [];
      this.write(`\r\n${RAW_BANNER}`);
    } else if (byte === 0x03 || byte === 0x0d) this.write('\r\n>>> ');
    else if (byte === 0x04) this.softReboot();
  }

  private raw(byte: number): void {
    if (byte === 0x01) {
      const pasteRequest = this.line.length === 2 && this.line[0] === 0x05 && this.line[1] === 0x41;
      this.line = [];
      if (pasteRequest && this.options.rawPaste === 'yes') return this.enterPaste();
      if (pasteRequest && this.options.rawPaste === 'refused') return this.write('R\x00');
      this.write(RAW_BANNER);
    } else if (byte === 0x02) {
      this.mode = 'friendly';
      this.write(`\r\n${BANNER}`);
    } else if (byte === 0x03) this.line = [];
    else if (byte === 0x04) {
      if (this.line.length === 0) return this.softReboot();
      this.write('OK');
      this.run('raw', Buffer.from(this.line).toString('utf8'));
    } else this.line.push(byte);
  }

  private enterPaste(): void {
    const window = this.options.window ?? 128;
    this.mode = 'paste';
    this.credit = 2 * window;
    this.sinceGrant = 0;
    const header = Buffer.from([0x52, 0x01, window & 0xff, window >> 8, 0x01]);
    this.write(header);
  }

  private paste(byte: number): void {
    if (byte === 0x04) {
      // A window filled by the last bytes is granted before the end is acknowledged, as on the device.
      if (this.pendingGrant) this.grant();
      this.write('\x04');
      return this.run('raw-paste', Buffer.from(this.line).toString('utf8'));
    }
    const window = this.options.window ?? 128;
    if (--this.credit < 0) this.windowViolations++;
    this.line.push(byte);
    if (++this.sinceGrant === window) {
      this.sinceGrant = 0;
      // Granted a moment later, as a device busy compiling would: a host must wait for it.
      this.pendingGrant = setTimeout(() => this.grant(), 2);
    }
  }

  private grant(): void {
    clearTimeout(this.pendingGrant);
    this.pendingGrant = undefined;
    this.grants++;
    this.credit += this.options.window ?? 128;
    this.write('\x01');
  }

  private softReboot(): void {
    this.write('MPY: soft reboot\r\n');
    this.boot();
  }

  private run(mode: 'raw-paste' | 'raw', code: string): void {
    this.runs.push({ mode, code });
    this.line = [];
    this.mode = 'raw';
    let output = '';
    let error = '';
    try {
      output = this.execute(code);
    } catch (err) {
      error = `Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n${(err as Error).message}\r\n`;
    }
    this.write(`${output}\x04${error}\x04>`);
  }

  /** The statements firmware-upload.ts sends, on this device's flash. */
  private execute(code: string): string {
    const opened = /_f = open\('([^']+)', 'wb'\)/.exec(code);
    if (opened?.[1]) {
      this.files.set(opened[1], Buffer.alloc(0));
      this.openFile = opened[1];
      return '';
    }
    const chunk = /_f\.write\(binascii\.a2b_base64\(b'([A-Za-z0-9+/=]*)'\)\)/.exec(code);
    if (chunk?.[1] !== undefined) {
      if (!this.openFile) throw new Error("NameError: name '_f' isn't defined");
      let bytes = Buffer.from(chunk[1], 'base64');
      const before = this.files.get(this.openFile) ?? Buffer.alloc(0);
      if (this.options.corruptWrites && before.length === 0) bytes = Buffer.concat([Buffer.from([(bytes[0] ?? 0) ^ 1]), bytes.subarray(1)]);
      this.files.set(this.openFile, Buffer.concat([before, bytes]));
      return '';
    }
    const summed = /print\('written', \*_sum\('([^']+)'\)\)/.exec(code);
    if (summed?.[1]) {
      this.openFile = undefined;
      const bytes = this.files.get(summed[1]);
      if (!bytes) throw new Error(`OSError: [Errno 2] ENOENT`);
      return `written ${bytes.length} ${crc32(bytes)}\r\n`;
    }
    const renamed = /os\.rename\('([^']+)', '([^']+)'\)/.exec(code);
    if (renamed?.[1] && renamed[2]) {
      const bytes = this.files.get(renamed[1]);
      if (!bytes) throw new Error('OSError: [Errno 2] ENOENT');
      this.files.set(renamed[2], bytes);
      this.files.delete(renamed[1]);
      return '';
    }
    throw new Error(`SyntaxError: the scripted device does not know ${JSON.stringify(code.slice(0, 40))}`);
  }
}
