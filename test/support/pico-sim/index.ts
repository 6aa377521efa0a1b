/**
 * A simulated Raspberry Pi Pico on a pty, for tests of the Pico link: the project's real
 * MicroPython firmware (firmware/pico/main.py) runs under the MicroPython WebAssembly port in a
 * child process (child.ts) with stand-ins for its hardware, talking over one end of a socat pty
 * pair; the host opens the other end (`hostPath`) with `serialport`, like a Pico's /dev/ttyACM0.
 *
 *     host (serialport) <-> dir/host  ==socat==  dir/device <-> child: MicroPython + main.py
 *
 * The microphone delivers patternSlot(n) (i2s-model.ts) for sample n after I2S started, paced on
 * the simulated clock (`speed` x real time) through rp2's ring buffer, so a firmware that falls
 * behind loses samples as on the Pico. Tests drive the hardware (button, stalls, I2S failures, a
 * host that stops reading, resets) and watch what the stand-ins saw in `events`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { BUNDLED_FIRMWARE_PATH, FIRMWARE_VERSION_LINE } from '../../../src/lib/pico/bundled-firmware';
import { startPtyPair } from '../pty-pair';
import { DEFAULT_PATTERN, type SimPattern } from './i2s-model';
import type { ChildConfig, ControlMessage, SimEvent } from './messages';

export { patternSample, patternSlot, type SimPattern } from './i2s-model';
export type { SimEvent, SimEventOf, SimEventType } from './messages';

const ROOT = join(__dirname, '..', '..', '..');
/** The project's firmware, firmware/pico/main.py. */
export const FIRMWARE_PATH = BUNDLED_FIRMWARE_PATH;

/** The project's firmware as another release of it would be: the same file declaring `version` (e.g. an older one, '0.9.0'). */
export function firmwareDeclaring(version: string): Buffer {
  return Buffer.from(readFileSync(FIRMWARE_PATH, 'utf8').replace(FIRMWARE_VERSION_LINE, `FIRMWARE_VERSION = '${version}'`));
}
const TICKS_PERIOD = 2 ** 30;

export interface PicoSimOptions {
  /** Where the pty links `device` and `host` go (created if missing). */
  dir: string;
  /** The firmware's default sample rate (its pico-mic.json `rate`); the host's `start` picks the stream's. */
  rate?: number;
  /** GPIO of a simulated push-button (pico-mic.json `button`); null: none. Default 15. */
  button?: number | null;
  /** The button is held down while the Pico boots (the firmware's safe boot). */
  buttonHeldAtBoot?: boolean;
  /** More pico-mic.json settings (pins, ibuf_seconds, ...). */
  config?: Record<string, unknown>;
  /** Simulated time per real time: 1 is real time; more runs the Pico (and its microphone) faster. */
  speed?: number;
  pattern?: Partial<SimPattern>;
  /** I2S ring buffers above this many bytes fail with MemoryError (an RP2040's heap). Default 150 000. */
  ramLimitBytes?: number;
  /** ticks_ms() when the Pico boots; default 2^30 - 3000, so the ticks wrap 3 s in. */
  ticksMsStart?: number;
  /** ticks_us() when the Pico boots; default 2^30 - 2 000 000, so they wrap 2 s in. */
  ticksUsStart?: number;
  /** How long a write to the USB port waits for room (rp2: 500 ms). */
  usbTxTimeoutMs?: number;
  /** The firmware file; default the project's. */
  firmwarePath?: string;
  /** How long start waits for the Pico to boot. Default 15 s. */
  bootTimeoutMs?: number;
}

export interface PicoSimulation {
  /** Open this with serialport: the Pico's USB serial port. */
  hostPath: string;
  devicePath: string;
  /** Everything the stand-ins reported so far, in order. */
  readonly events: readonly SimEvent[];
  /** The first event from index `from` on that matches; waits for it. */
  waitForEvent(match: (event: SimEvent) => boolean, what: string, timeoutMs?: number, from?: number): Promise<SimEvent>;
  /** Presses (true) or releases (false) the button, with a couple of ms of contact bounce. */
  setButton(pressed: boolean): void;
  /** Holds the firmware up for `ms` (a slow call, a long garbage collection): the I2S ring may overrun. */
  stall(ms: number): void;
  /** The next I2S readinto raises OSError with this message. */
  failI2S(message?: string): void;
  /** The host stops reading for `ms`: the firmware's writes block, then return short. */
  holdOutput(ms: number): void;
  /** Hard reset: the firmware stops where it is and the Pico boots again (the port stays). */
  reset(): void;
  /** The child's stderr and stdout so far (for failure messages). */
  log(): string;
  /** Process ids of socat and the MicroPython child (to check that none outlives close()). */
  pids: { socat: number; child: number };
  /** Ends the simulation: the child and socat are gone when this resolves. */
  close(): Promise<void>;
}

/** Starts socat and the simulated Pico; resolves once the firmware is running. */
export async function startPicoSimulation(options: PicoSimOptions): Promise<PicoSimulation> {
  mkdirSync(options.dir, { recursive: true });
  const controlPath = join(options.dir, 'control');
  rmSync(controlPath, { force: true });
  const mkfifo = spawnSync('mkfifo', [controlPath], { encoding: 'utf8' });
  if (mkfifo.status !== 0) throw new Error(`mkfifo ${controlPath} failed: ${mkfifo.stderr}`);
  const pty = await startPtyPair(options.dir);
  const { devicePath, hostPath } = pty;
  let child: ChildProcess | undefined;
  const killChild = (): void => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // a test that dies without close() leaves no MicroPython behind (nor socat: startPtyPair sees to that)
  process.on('exit', killChild);
  let logText = '';
  try {
    const childConfig: ChildConfig = {
      devicePath,
      controlPath,
      firmwarePath: options.firmwarePath ?? FIRMWARE_PATH,
      firmwareConfig: {
        rate: options.rate ?? 22050,
        button: options.button === undefined ? 15 : options.button,
        ...options.config,
      },
      speed: options.speed ?? 1,
      ticksMsStart: options.ticksMsStart ?? TICKS_PERIOD - 3000,
      ticksUsStart: options.ticksUsStart ?? TICKS_PERIOD - 2_000_000,
      pattern: { ...DEFAULT_PATTERN, ...options.pattern },
      buttonPin: options.button === undefined ? 15 : options.button,
      buttonHeldAtBoot: options.buttonHeldAtBoot ?? false,
      ramLimitBytes: options.ramLimitBytes ?? 150_000,
      usbTxTimeoutMs: options.usbTxTimeoutMs ?? 500,
      heapBytes: 1024 * 1024,
    };
    const pico = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'child.ts'), JSON.stringify(childConfig)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    child = pico;
    pico.stdout!.on('data', (chunk: Buffer) => (logText += chunk.toString()));
    pico.stderr!.on('data', (chunk: Buffer) => (logText += chunk.toString()));

    const events: SimEvent[] = [];
    const waiters = new Set<() => void>();
    const wake = (): void => {
      for (const waiter of [...waiters]) waiter();
    };
    let exited = false;
    createInterface({ input: pico.stdio[3] as Readable }).on('line', (line) => {
      events.push(JSON.parse(line) as SimEvent);
      wake();
    });
    pico.once('exit', () => {
      exited = true;
      wake();
    });
    const childExit = new Promise<void>((resolve) => pico.once('exit', () => resolve()));

    const waitForEvent = (match: (event: SimEvent) => boolean, what: string, timeoutMs = 10_000, from = 0): Promise<SimEvent> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.slice(from).find(match);
          if (found) finish(() => resolve(found));
          else if (exited) finish(() => reject(new Error(`the simulated Pico exited before ${what}:\n${logText}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${logText}`))), timeoutMs);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });

    await waitForEvent((event) => event.type === 'boot', 'the simulated Pico to boot', options.bootTimeoutMs ?? 15_000);
    // the child has the FIFO open by now, so this open does not wait; messages are a few bytes,
    // far below the FIFO's capacity, so the non-blocking writes are whole
    const control = openSync(controlPath, constants.O_WRONLY | constants.O_NONBLOCK);
    const send = (message: ControlMessage): void => {
      if (!exited) writeSync(control, JSON.stringify(message) + '\n');
    };

    let closing: Promise<void> | undefined;
    return {
      hostPath,
      devicePath,
      events,
      waitForEvent,
      setButton: (pressed) => send({ cmd: 'button', pressed }),
      stall: (ms) => send({ cmd: 'stall', ms }),
      failI2S: (message = 'pico-sim: I2S failure') => send({ cmd: 'i2s-fail', message }),
      holdOutput: (ms) => send({ cmd: 'hold-output', ms }),
      reset: () => send({ cmd: 'reset' }),
      log: () => logText,
      pids: { socat: pty.pid, child: pico.pid! },
      close: () =>
        (closing ??= (async () => {
          send({ cmd: 'exit' });
          closeSync(control);
          await Promise.race([childExit, new Promise((resolve) => setTimeout(resolve, 3000))]);
          killChild();
          await childExit;
          await pty.close();
          rmSync(controlPath, { force: true });
          process.removeListener('exit', killChild);
        })()),
    };
  } catch (error) {
    killChild();
    process.removeListener('exit', killChild);
    await pty.close();
    throw error;
  }
}
