import type { SimPattern } from './i2s-model';

/** What the harness (index.ts) tells the simulation child (child.ts) when it starts it. */
export interface ChildConfig {
  /** The device end of the pty pair: the Pico's USB serial port. */
  devicePath: string;
  /** A FIFO the harness writes ControlMessages to, one JSON object per line. */
  controlPath: string;
  /** The real firmware file, loaded unchanged as the Pico's main.py. */
  firmwarePath: string;
  /** Written as pico-mic.json next to main.py, as a user would put it on the Pico's flash. */
  firmwareConfig: Record<string, unknown>;
  /** Simulated seconds per real second. */
  speed: number;
  /** ticks_ms() at boot, and ticks_us(): both wrap at 2^30, so starting close to it tests the wrap. */
  ticksMsStart: number;
  ticksUsStart: number;
  pattern: SimPattern;
  /** GPIO of the simulated button, or null. */
  buttonPin: number | null;
  buttonHeldAtBoot: boolean;
  /** An I2S ibuf larger than this fails with MemoryError, as on a Pico whose heap cannot hold it. */
  ramLimitBytes: number;
  /** How long one write to the USB port waits for room before it returns short (rp2: 500 ms). */
  usbTxTimeoutMs: number;
  heapBytes: number;
}

/** Harness -> child, one JSON object per line on the control FIFO. */
export type ControlMessage =
  | { cmd: 'button'; pressed: boolean }
  /** The firmware is held up for this long (a slow write, a long garbage collection). */
  | { cmd: 'stall'; ms: number }
  /** The next I2S readinto fails with this message. */
  | { cmd: 'i2s-fail'; message: string }
  /** The host stops reading for this long: writes to the USB port block and return short. */
  | { cmd: 'hold-output'; ms: number }
  /** Hard reset: the firmware stops where it is and the Pico boots again. */
  | { cmd: 'reset' }
  | { cmd: 'exit' };

/** Child -> harness, one JSON object per line on fd 3, with `t`: the simulated time in ms. */
export type SimEventBody =
  | { type: 'boot'; run: number }
  | { type: 'kbd-intr'; char: number }
  | { type: 'pin-init'; pin: number; mode: number; pull: number }
  | { type: 'button'; pressed: boolean; ticksMs: number }
  | {
      type: 'i2s-init';
      id: number;
      sck: number;
      ws: number;
      sd: number;
      bits: number;
      stereo: boolean;
      rate: number;
      ibuf: number;
    }
  | { type: 'i2s-init-failed'; id: number; ibuf: number; reason: 'memory' }
  /** implicit: not deinit() but a new I2S(id) over an initialised one, or a reset. */
  | { type: 'i2s-deinit'; id: number; framesRead: number; implicit: boolean }
  | { type: 'i2s-overrun'; id: number; firstLost: number; lost: number }
  | { type: 'i2s-failed'; id: number; message: string }
  | { type: 'stall'; ms: number }
  | { type: 'interrupt' }
  | { type: 'write-timeout'; asked: number; written: number }
  | { type: 'firmware-exit'; reason: 'returned' | 'exception' | 'reset'; error?: string }
  | { type: 'repl' }
  /** The REPL was asked for raw-paste mode and answered that it has none. */
  | { type: 'raw-paste-refused' }
  | { type: 'soft-reset' };

export type SimEvent = SimEventBody & { t: number };
export type SimEventType = SimEvent['type'];
export type SimEventOf<T extends SimEventType> = Extract<SimEvent, { type: T }>;
