import { DeviceError, DeviceHello, DevicePong } from './device-messages';
import { PicoLink } from './pico-link';
import { WakeSignal } from './wake-signal';

/** What answered on a freshly opened port. */
export type FirmwareIdentity =
  /** Firmware speaking this protocol; `hello` undefined when it would not say (a start it refused, `refusal`). */
  | { kind: 'protocol'; hello: DeviceHello | undefined; refusal?: string }
  /** Firmware speaking another major version of the protocol (the version byte of its frames). */
  | { kind: 'incompatible'; version: number }
  /** No protocol answer at all: no firmware, MicroPython at its prompt, or other code running. */
  | { kind: 'silent'; why: string };

export interface IdentifyOptions {
  /** How long each question waits for its answer. Default 1000 ms. */
  answerTimeoutMs?: number;
  /** Pings sent before the device counts as silent. Default 2. */
  pings?: number;
}

/** Any rate the firmware accepts: the probe only wants the hello that answers start. */
const PROBE_RATE = 16000;
const PROBE_FRAME_SAMPLES = 64;

type Answer = { kind: 'hello'; hello: DeviceHello } | { kind: 'pong'; pong: DevicePong } | { kind: 'error'; error: DeviceError } | { kind: 'end' } | { kind: 'incompatible'; version: number };

/**
 * Finds out which firmware runs on the other end of `link` (docs/pico-link-protocol.md, 6:
 * "Finding the firmware"). A boot hello names it at once; otherwise a ping shows that the
 * protocol runs, and since only hello carries the version, a short start/stop asks for one
 * (the firmware answers start with a hello; nothing else in protocol 1.0 says the version).
 * A stream a previous host left running is stopped first.
 */
export async function identifyFirmware(link: PicoLink, options: IdentifyOptions = {}): Promise<FirmwareIdentity> {
  const timeoutMs = options.answerTimeoutMs ?? 1000;
  const answers = new AnswerQueue(link);
  try {
    let pong: DevicePong | undefined;
    for (let ping = 0; ping < (options.pings ?? 2) && !pong; ping++) {
      const token = (Math.random() * 0x1_0000_0000) >>> 0;
      link.send({ kind: 'ping', token });
      const answer = await answers.next((a) => a.kind === 'hello' || a.kind === 'incompatible' || (a.kind === 'pong' && a.pong.token === token), timeoutMs);
      if (answer?.kind === 'hello' && !answer.hello.streaming) return { kind: 'protocol', hello: answer.hello };
      if (answer?.kind === 'incompatible') return { kind: 'incompatible', version: answer.version };
      if (answer?.kind === 'pong') pong = answer.pong;
    }
    if (!pong) return { kind: 'silent', why: silenceExplained(link) };
    if (pong.streaming) {
      link.send({ kind: 'stop' });
      await answers.next((a) => a.kind === 'end', timeoutMs);
    }
    link.send({ kind: 'start', sampleRate: PROBE_RATE, samplesPerFrame: PROBE_FRAME_SAMPLES, statusIntervalMs: 0 });
    const answer = await answers.next((a) => a.kind === 'error' || (a.kind === 'hello' && a.hello.streaming), timeoutMs);
    link.send({ kind: 'stop' });
    await answers.next((a) => a.kind === 'end', timeoutMs);
    if (answer?.kind === 'hello') return { kind: 'protocol', hello: answer.hello };
    return { kind: 'protocol', hello: undefined, refusal: answer?.kind === 'error' ? `${answer.error.code}: ${answer.error.text}` : 'no answer to start' };
  } finally {
    answers.dispose();
  }
}

function silenceExplained(link: PicoLink): string {
  const { frames, bytesSkipped } = link.stats;
  if (frames > 0) return 'frames arrived but no answer to ping';
  if (bytesSkipped > 0) return `${bytesSkipped} bytes arrived but no pico-mic frame: MicroPython is at its prompt or runs other code`;
  return 'nothing arrived: is MicroPython with the pico-mic firmware (main.py) on it?';
}

/** The link's answers in arrival order, so one that comes before it is asked for is not missed. */
class AnswerQueue {
  private readonly queue: Answer[] = [];
  private readonly wakeSignal = new WakeSignal();
  private readonly listeners = {
    hello: (hello: DeviceHello) => this.push({ kind: 'hello', hello }),
    pong: (pong: DevicePong) => this.push({ kind: 'pong', pong }),
    deviceError: (error: DeviceError) => this.push({ kind: 'error', error }),
    end: () => this.push({ kind: 'end' }),
    incompatible: (version: number) => this.push({ kind: 'incompatible', version }),
  };

  constructor(private readonly link: PicoLink) {
    link.on('hello', this.listeners.hello);
    link.on('pong', this.listeners.pong);
    link.on('deviceError', this.listeners.deviceError);
    link.on('end', this.listeners.end);
    link.on('incompatible', this.listeners.incompatible);
  }

  /** The first answer that matches (the ones before it are dropped), or undefined after `timeoutMs`. */
  next(match: (answer: Answer) => boolean, timeoutMs: number): Promise<Answer | undefined> {
    return this.wakeSignal.until(() => {
      while (this.queue.length > 0) {
        const answer = this.queue.shift() as Answer;
        if (match(answer)) return answer;
      }
      return undefined;
    }, timeoutMs);
  }

  dispose(): void {
    this.link.off('hello', this.listeners.hello);
    this.link.off('pong', this.listeners.pong);
    this.link.off('deviceError', this.listeners.deviceError);
    this.link.off('end', this.listeners.end);
    this.link.off('incompatible', this.listeners.incompatible);
  }

  private push(answer: Answer): void {
    this.queue.push(answer);
    this.wakeSignal.wake();
  }
}
