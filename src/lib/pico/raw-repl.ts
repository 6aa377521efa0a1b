import { setTimeout as sleep } from 'node:timers/promises';
import { ByteLink } from './byte-link';
import { ByteReader } from './byte-reader';

/** The raw REPL went wrong, or the code run raised an exception (`message` its last line, `traceback` all of it). */
export class RawReplError extends Error {
  constructor(
    message: string,
    readonly traceback = '',
  ) {
    super(message);
  }
}

export interface RawReplOptions {
  /** How long the device may take to answer a step of the protocol. Default 3000 ms. */
  answerTimeoutMs?: number;
  /** How long code may run before its output ends. Default 30 000 ms (flash writes are slow). */
  runTimeoutMs?: number;
}

const CTRL_A = 0x01;
const CTRL_B = 0x02;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const RAW_BANNER_END = 'CTRL-B to exit\r\n';
/** Ctrl-E, 'A', Ctrl-A: the request for raw-paste mode. */
const RAW_PASTE_REQUEST = Buffer.from([0x05, 0x41, CTRL_A]);
const RAW_PASTE_YES = Buffer.from('R\x01', 'latin1');
const RAW_PASTE_NO = Buffer.from('R\x00', 'latin1');
const EOT = Buffer.from([CTRL_D]);
/** Without flow control (plain raw REPL), code goes out in pieces this big with a pause between them, as the device reads its input buffer only so fast over a UART. */
const PLAIN_PIECE_BYTES = 256;
const PLAIN_PIECE_PAUSE_MS = 10;

/**
 * MicroPython's raw REPL over a byte link, for running code on the device
 * (MicroPython docs, "Raw mode and raw-paste mode"). Each exec tries raw-paste mode first,
 * which has flow control and compiles as the code arrives, so little RAM is needed; a device
 * that answers "R\x00" (it knows the request but not the mode) or does not know the request at
 * all gets plain raw REPL for the rest of the session. The link must be free of any protocol
 * (the firmware stopped, its PicoLink detached).
 */
export class RawRepl {
  /** undefined until the first exec asked: then whether the device takes raw-paste mode. */
  rawPaste: boolean | undefined;
  private readonly reader: ByteReader;
  private readonly answerMs: number;
  private readonly runMs: number;

  constructor(
    private readonly link: ByteLink,
    options: RawReplOptions = {},
  ) {
    this.reader = new ByteReader(link);
    this.answerMs = options.answerTimeoutMs ?? 3000;
    this.runMs = options.runTimeoutMs ?? 30_000;
  }

  /** Interrupts what runs (Ctrl-C twice) and enters the raw REPL (Ctrl-A), from the friendly REPL or the raw one. */
  async enter(): Promise<void> {
    this.link.write(Buffer.from([CTRL_C, CTRL_C]));
    // Let an interrupted program end and its prompt arrive, so none of it is taken for the raw REPL's answer.
    await sleep(150);
    this.reader.discard();
    this.link.write(Buffer.from([CTRL_A]));
    await this.reader.until(RAW_BANNER_END, this.answerMs, 'the raw REPL banner');
    await this.reader.until('>', this.answerMs, 'the raw REPL prompt');
  }

  /** Runs `code` (a whole file's worth of statements) and resolves with what it printed; rejects with a RawReplError when it raised. */
  async exec(code: string): Promise<string> {
    const bytes = Buffer.from(code, 'utf8');
    if (this.rawPaste !== false) {
      this.link.write(RAW_PASTE_REQUEST);
      const answer = await this.reader.take(2, this.answerMs, 'the answer to the raw-paste request');
      if (answer.equals(RAW_PASTE_YES)) {
        this.rawPaste = true;
        return this.paste(bytes);
      }
      this.rawPaste = false;
      // A device that does not know the request took its Ctrl-A as "restart the raw REPL" and says its banner again.
      if (!answer.equals(RAW_PASTE_NO)) {
        await this.reader.until(RAW_BANNER_END, this.answerMs, 'the raw REPL banner');
        await this.reader.until('>', this.answerMs, 'the raw REPL prompt');
      }
    }
    return this.send(bytes);
  }

  /** Leaves the raw REPL (Ctrl-B) and soft-resets (Ctrl-D at the friendly prompt), so main.py runs again. */
  async softReset(): Promise<void> {
    this.link.write(Buffer.from([CTRL_B]));
    await this.reader.until('>>> ', this.answerMs, 'the friendly REPL prompt');
    this.reader.discard();
    this.link.write(EOT);
  }

  dispose(): void {
    this.reader.dispose();
  }

  /** Raw-paste mode: the code goes out within the windows the device grants. */
  private async paste(bytes: Buffer): Promise<string> {
    const window = (await this.reader.take(2, this.answerMs, 'the raw-paste window size')).readUInt16LE(0);
    let remaining = window;
    for (let at = 0; at < bytes.length; ) {
      while (remaining === 0 || this.reader.pending > 0) {
        const flow = (await this.reader.take(1, this.answerMs, 'a raw-paste window'))[0];
        if (flow === CTRL_A) remaining += window;
        else if (flow === CTRL_D) {
          // The device wants no more (it failed to compile what came): end, and report what it says.
          this.link.write(EOT);
          await this.result();
          throw new RawReplError('the device ended the raw-paste upload early');
        } else throw new RawReplError(`unexpected byte 0x${(flow ?? 0).toString(16)} from the device in raw-paste mode`);
      }
      const piece = bytes.subarray(at, at + remaining);
      this.link.write(piece);
      at += piece.length;
      remaining -= piece.length;
    }
    this.link.write(EOT);
    // The acknowledgement: the device has the whole code, compiled; window grants still on the way come before it.
    await this.reader.until(EOT, this.runMs, 'the acknowledgement of the raw-paste upload');
    return this.result();
  }

  /** Plain raw REPL: the code, then Ctrl-D, acknowledged by "OK". */
  private async send(bytes: Buffer): Promise<string> {
    for (let at = 0; at < bytes.length; at += PLAIN_PIECE_BYTES) {
      this.link.write(bytes.subarray(at, at + PLAIN_PIECE_BYTES));
      await sleep(PLAIN_PIECE_PAUSE_MS);
    }
    this.link.write(EOT);
    await this.reader.until('OK', this.answerMs, 'the OK of the raw REPL');
    return this.result();
  }

  /** The code's output up to Ctrl-D, its exception up to Ctrl-D, then the prompt. */
  private async result(): Promise<string> {
    const output = (await this.reader.until(EOT, this.runMs, 'the output of the code')).toString('utf8');
    const error = (await this.reader.until(EOT, this.answerMs, 'the end of the error output')).toString('utf8').trim();
    await this.reader.until('>', this.answerMs, 'the raw REPL prompt');
    if (error) throw new RawReplError(error.split(/\r?\n/).at(-1) ?? error, error);
    return output;
  }
}
