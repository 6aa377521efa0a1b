/**
 * One simulated Raspberry Pi Pico: the MicroPython WebAssembly port running the project's real
 * firmware (firmware/pico/main.py, unchanged) with stand-ins for the hardware, its USB serial port
 * being the device end of a pty pair. Started by index.ts as
 *     node --import tsx child.ts '<ChildConfig as JSON>'
 * with control messages (JSON lines) on the FIFO config.controlPath and events (JSON lines) on fd 3. One MicroPython per
 * process: a second instance in the same process would abort the first.
 *
 * Everything runs synchronously inside MicroPython's calls into JS (the firmware's loop never
 * returns to the event loop): the pty and the control pipe are read with non-blocking readSync,
 * written with writeSync, and waits are Atomics.wait. So the firmware needs no yield points and
 * runs as on the Pico. (The control channel is a FIFO because Node gives a child socketpairs, which
 * cannot be made non-blocking from JS.) What the WebAssembly port does not have, or does differently, is filled in:
 *
 * - `machine` (absent): python/machine.py, Pin and I2S; I2S.readinto reads /dev/i2s<id>, an
 *   Emscripten device served here from the I2S model (i2s-model.ts: the pattern, rp2's ring buffer
 *   and its overruns, paced on the simulated clock).
 * - `time`: python/picosim_time.py on the simulated clock (speed factor, ticks starting near the
 *   2^30 wrap). The port's own `time` works, but on the real clock only.
 * - sys.stdin/sys.stdout: the port's /dev/stdin and /dev/stdout devices get new stream ops: reads
 *   and `select.poll` come from the pty (the port's default poll reports stdin always readable),
 *   writes go to the pty and, like rp2's USB CDC, wait at most 500 ms for room, then return short.
 * - Ctrl-C: the port does not watch its stdin for the interrupt character; here every byte from
 *   the pty is checked against it (the port's mp_hal_get_interrupt_char) and, like rp2's USB
 *   receive callback, a match clears the input and schedules KeyboardInterrupt.
 * - After main.py ends: the REPL (the port's replInit/replProcessChar on the pty), Ctrl-D there
 *   soft-reboots and runs main.py again.
 */
import { constants, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EmscriptenStreamOps, MicroPython } from '@micropython/micropython-webassembly-pyscript';
import { I2sReceiver } from './i2s-model';
import type { ChildConfig, ControlMessage, SimEventBody } from './messages';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const EVENTS_FD = 3;
const TICKS_PERIOD = 2 ** 30;
const POLLIN = 1;
const EIO = 29; // Emscripten's errno numbers

// --- the simulated clock ------------------------------------------------------------------------

const waitCell = new Int32Array(new SharedArrayBuffer(4));
const realStart = performance.now();
/** Simulated µs since the simulation started. */
function simUs(): number {
  return (performance.now() - realStart) * 1000 * config.speed;
}
function realSleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(waitCell, 0, 0, ms);
}

function emit(event: SimEventBody): void {
  try {
    writeSync(EVENTS_FD, JSON.stringify({ t: Math.round(simUs() / 1000), ...event }) + '\n');
  } catch {
    process.exit(0); // the harness is gone
  }
}

// --- the pty (the Pico's USB serial port) and the control pipe ----------------------------------

const device = openSync(config.devicePath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
// The control FIFO, opened read-write so that it never reads as end-of-file while the harness has
// not opened it yet; the harness being gone shows as a new parent process instead.
const control = openSync(config.controlPath, constants.O_RDWR | constants.O_NONBLOCK);
const parentPid = process.ppid;
let parentCheckedAt = 0;

/** Bytes from the host not yet read by MicroPython. */
let received: number[] = [];
let mode: 'firmware' | 'repl' = 'firmware';
let mp: MicroPython;

function readNonBlocking(fd: number, buffer: Buffer): number | 'eof' {
  try {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    return n === 0 ? 'eof' : n;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EIO') return 0; // EIO: nobody on the other end yet
    throw error;
  }
}

const inBuffer = Buffer.alloc(4096);
function pumpDevice(): void {
  for (;;) {
    const n = readNonBlocking(device, inBuffer);
    if (n === 'eof' || n === 0) return;
    const interruptChar = mode === 'firmware' ? mp._module._mp_hal_get_interrupt_char() : -1;
    for (let i = 0; i < n; i++) {
      const byte = inBuffer[i]!;
      if (byte === interruptChar) {
        // rp2's tud_cdc_rx_cb: clear the input and raise KeyboardInterrupt
        received = [];
        mp._module._mp_sched_keyboard_interrupt();
        emit({ type: 'interrupt' });
      } else {
        received.push(byte);
      }
    }
  }
}

/** Writes to the pty like rp2's USB CDC: waits for room at most usbTxTimeoutMs without progress. */
let holdOutputUntilUs = 0;
function writeDevice(bytes: Uint8Array): number {
  let done = 0;
  let lastProgressUs = simUs();
  while (done < bytes.length) {
    service();
    if (simUs() >= holdOutputUntilUs) {
      try {
        const n = writeSync(device, bytes, done, bytes.length - done);
        if (n > 0) {
          done += n;
          lastProgressUs = simUs();
          continue;
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // EIO: the other end is gone (no terminal): rp2 then drops output and reports it written
        if (code === 'EIO') return bytes.length;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw error;
      }
    }
    if (simUs() - lastProgressUs >= config.usbTxTimeoutMs * 1000) {
      emit({ type: 'write-timeout', asked: bytes.length, written: done });
      break;
    }
    realSleepMs(1);
  }
  return done;
}

let controlText = '';
const controlBuffer = Buffer.alloc(4096);
function pumpControl(): void {
  const now = performance.now();
  if (now - parentCheckedAt > 100) {
    parentCheckedAt = now;
    if (process.ppid !== parentPid) process.exit(0); // the harness is gone
  }
  for (;;) {
    const n = readNonBlocking(control, controlBuffer);
    if (n === 'eof') process.exit(0); // the harness is gone
    if (n === 0) return;
    controlText += controlBuffer.toString('utf8', 0, n);
    let newline: number;
    while ((newline = controlText.indexOf('\n')) >= 0) {
      const line = controlText.slice(0, newline);
      controlText = controlText.slice(newline + 1);
      if (line.trim()) onControl(JSON.parse(line) as ControlMessage);
    }
  }
}

// --- hardware state -------------------------------------------------------------------------

const receivers: (I2sReceiver | undefined)[] = [undefined, undefined];
/** A failure the test asked for, raised by the next readinto; the last message raised. */
const i2sFailures: (string | undefined)[] = [undefined, undefined];
const lastI2sErrors: (string | undefined)[] = [undefined, undefined];
const pins = new Map<number, { mode: number; pull: number; out: number }>();
/** The button's level over simulated time: 1 released (pulled up), 0 pressed. */
const buttonEdges: { atUs: number; level: number }[] = [{ atUs: -Infinity, level: config.buttonHeldAtBoot ? 0 : 1 }];
let pendingStallUs = 0;
let resetRequested = false;
let lastInterruptChar: number | undefined;

function onControl(message: ControlMessage): void {
  switch (message.cmd) {
    case 'button': {
      // a mechanical contact bounces for a couple of ms before it settles
      const now = simUs();
      const final = message.pressed ? 0 : 1;
      [0, 300, 800, 1200, 2000].forEach((offsetUs, i) => buttonEdges.push({ atUs: now + offsetUs, level: i % 2 === 0 ? final : 1 - final }));
      emit({ type: 'button', pressed: message.pressed, ticksMs: ticksMs() });
      break;
    }
    case 'stall':
      pendingStallUs += message.ms * 1000;
      break;
    case 'i2s-fail':
      i2sFailures[0] = i2sFailures[1] = message.message;
      break;
    case 'hold-output':
      holdOutputUntilUs = simUs() + message.ms * 1000;
      break;
    case 'reset':
      resetRequested = true;
      if (mode === 'firmware') mp._module._mp_sched_keyboard_interrupt();
      break;
    case 'exit':
      process.exit(0);
  }
}

function watchInterruptChar(): void {
  const char = mp._module._mp_hal_get_interrupt_char();
  if (char !== lastInterruptChar) {
    lastInterruptChar = char;
    emit({ type: 'kbd-intr', char });
  }
}

/** Everything that happens "in the background" on a Pico; run at every call into the hardware. */
let inService = false;
function service(): void {
  if (inService) return;
  inService = true;
  try {
    pumpControl();
    pumpDevice();
    if (mode === 'firmware') watchInterruptChar();
    if (pendingStallUs > 0) {
      const us = pendingStallUs;
      pendingStallUs = 0;
      emit({ type: 'stall', ms: us / 1000 });
      sleepSimUs(us);
    }
  } finally {
    inService = false;
  }
}

/** Waits for `us` of simulated time, keeping up with the pty and the control pipe meanwhile. */
function sleepSimUs(us: number): void {
  const until = simUs() + us;
  for (;;) {
    const left = until - simUs();
    if (left <= 0) return;
    realSleepMs(Math.min(left / 1000 / config.speed, 2));
    pumpControl();
    pumpDevice();
  }
}

function ticksMs(): number {
  return (Math.floor(simUs() / 1000) + config.ticksMsStart) % TICKS_PERIOD;
}

function ticksUs(): number {
  return (Math.floor(simUs()) + config.ticksUsStart) % TICKS_PERIOD;
}

function buttonLevel(atUs: number): number {
  let level = 1;
  for (const edge of buttonEdges) if (edge.atUs <= atUs) level = edge.level;
  return level;
}

function deinitI2s(id: number, implicit: boolean): void {
  const receiver = receivers[id];
  if (!receiver) return;
  receiver.endOverrun();
  receivers[id] = undefined;
  emit({ type: 'i2s-deinit', id, framesRead: receiver.framesRead, implicit });
}

/** What a reset or soft reboot does to the hardware: rp2's machine_i2s_init0 deinitialises I2S. */
function resetHardware(): void {
  deinitI2s(0, true);
  deinitI2s(1, true);
  i2sFailures[0] = i2sFailures[1] = undefined;
  pins.clear();
}

// --- the module the Python stand-ins call ----------------------------------------------------

const picosim = {
  ticks_ms(): number {
    service();
    return ticksMs();
  },
  ticks_us(): number {
    service();
    return ticksUs();
  },
  sleep_us(us: number): void {
    service();
    sleepSimUs(us);
  },
  time_s(): number {
    return Math.floor(Date.now() / 1000);
  },
  pin_init(pin: number, pinMode: number, pull: number): void {
    service();
    pins.set(pin, { mode: pinMode, pull, out: 0 });
    emit({ type: 'pin-init', pin, mode: pinMode, pull });
  },
  pin_value(pin: number): number {
    service();
    if (pin === config.buttonPin) return buttonLevel(simUs());
    const state = pins.get(pin);
    if (state?.mode === 1) return state.out;
    return state?.pull === 1 ? 1 : 0;
  },
  pin_write(pin: number, value: number): void {
    const state = pins.get(pin) ?? { mode: 1, pull: -1, out: 0 };
    state.out = value;
    pins.set(pin, state);
  },
  i2s_init(id: number, sck: number, ws: number, sd: number, _mode: number, bits: number, format: number, rate: number, ibuf: number): number {
    service();
    // rp2: a new I2S(id) over an initialised one deinitialises it first
    deinitI2s(id, true);
    if (ibuf > config.ramLimitBytes) {
      emit({ type: 'i2s-init-failed', id, ibuf, reason: 'memory' });
      return 1;
    }
    const stereo = format === 1;
    receivers[id] = new I2sReceiver(rate, ibuf, { bits: bits as 16 | 32, stereo }, simUs(), config.pattern, (overrun) =>
      emit({ type: 'i2s-overrun', id, ...overrun }),
    );
    emit({ type: 'i2s-init', id, sck, ws, sd, bits, stereo, rate, ibuf });
    return 0;
  },
  i2s_deinit(id: number): void {
    service();
    deinitI2s(id, false);
  },
  i2s_error(id: number): string {
    return lastI2sErrors[id] ?? `pico-sim: I2S(${id}) failed`;
  },
  reset(): void {
    onControl({ cmd: 'reset' });
  },
};

function i2sRead(id: number, buffer: Int8Array, offset: number, length: number): number {
  service();
  for (;;) {
    const receiver = receivers[id];
    const failure = i2sFailures[id];
    if (failure !== undefined) {
      // one readinto fails; the stand-in asks i2s_error() for the message right after
      i2sFailures[id] = undefined;
      lastI2sErrors[id] = failure;
      emit({ type: 'i2s-failed', id, message: failure });
      throw new mp.FS.ErrnoError(EIO);
    }
    if (!receiver) {
      lastI2sErrors[id] = `pico-sim: I2S(${id}) is not initialised`;
      throw new mp.FS.ErrnoError(EIO);
    }
    const frames = Math.floor(length / receiver.bytesPerFrame);
    const now = simUs();
    receiver.advance(now);
    const readyAt = receiver.readyAtUs(frames);
    if (readyAt <= now) {
      const bytes = frames * receiver.bytesPerFrame;
      receiver.take(frames, new Uint8Array(buffer.buffer, buffer.byteOffset + offset, bytes));
      return bytes;
    }
    sleepSimUs(Math.min(readyAt - now, 2000));
    service();
  }
}

// --- MicroPython ------------------------------------------------------------------------------

function installDevices(): void {
  const FS = mp.FS;
  const opsOf = (path: string): EmscriptenStreamOps => {
    const found = FS.getDevice(FS.lookupPath(path).node.rdev);
    if (!found) throw new Error(`no device behind ${path}`);
    return found.stream_ops;
  };
  const write = (_stream: unknown, buffer: Int8Array, offset: number, length: number): number =>
    writeDevice(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length));
  opsOf('/dev/stdout').write = write;
  opsOf('/dev/stderr').write = write;
  const stdin = opsOf('/dev/stdin');
  let lastEmptyPoll = 0;
  stdin.poll = () => {
    service();
    if (received.length > 0) return POLLIN;
    // select.poll(timeout) spins on this: let a spinning caller sleep a little
    const now = performance.now();
    if (now - lastEmptyPoll < 0.5) realSleepMs(1);
    lastEmptyPoll = now;
    return 0;
  };
  stdin.read = (_stream, buffer, offset, length) => {
    service();
    while (received.length === 0) {
      realSleepMs(1);
      service();
    }
    const n = Math.min(length, received.length);
    for (let i = 0; i < n; i++) buffer[offset + i] = received[i]!;
    received = received.slice(n);
    return n;
  };
  for (const id of [0, 1]) {
    const dev = FS.makedev(250, id);
    FS.registerDevice(dev, {
      open() {},
      close() {},
      read: (_stream, buffer, offset, length) => i2sRead(id, buffer, offset, length),
    });
    FS.mkdev(`/dev/i2s${id}`, 0o666, dev);
  }
}

function installFiles(): void {
  const FS = mp.FS;
  FS.mkdir('/sim');
  for (const name of ['machine.py', 'picosim_time.py']) FS.writeFile(`/sim/${name}`, readFileSync(join(__dirname, 'python', name)));
  // the Pico's flash: main.py and its settings
  FS.writeFile('/main.py', readFileSync(config.firmwarePath));
  FS.writeFile('/pico-mic.json', JSON.stringify(config.firmwareConfig));
  mp.registerJsModule('_picosim', picosim);
  mp.runPython(`
def _boot():
    import sys, os
    sys.path.insert(0, '/sim')
    import picosim_time, machine
    sys.modules['time'] = picosim_time
    sys.path.remove('/sim')
    os.chdir('/')
_boot()
del _boot
`);
}

function clearMainGlobals(): void {
  mp.runPython(`
for _k in list(globals()):
    if not _k.startswith('__'):
        del globals()[_k]
`);
}

function writeText(text: string): void {
  writeDevice(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8'));
}

/** Runs main.py as rp2's pyexec does: with Ctrl-C enabled, and disabled again after it. */
function runFirmware(): { reason: 'returned' | 'exception' | 'reset'; error?: string } {
  mode = 'firmware';
  mp.runPython('import micropython\nmicropython.kbd_intr(3)\ndel micropython');
  watchInterruptChar();
  try {
    mp.runPython("exec(compile(open('main.py').read(), 'main.py', 'exec'))");
    return { reason: 'returned' };
  } catch (error) {
    if ((error as Error).name !== 'PythonError') throw error;
    if (resetRequested) return { reason: 'reset' };
    return { reason: 'exception', error: (error as Error).message };
  } finally {
    watchInterruptChar();
    mp.runPython('import micropython\nmicropython.kbd_intr(-1)\ndel micropython');
    lastInterruptChar = -1;
  }
}

/**
 * The port's raw REPL takes Ctrl-E 'A' Ctrl-A into raw-paste mode, which reads stdin through a path
 * the simulation does not feed (it hangs there). So the simulated Pico answers the request as a
 * MicroPython without raw-paste mode does (before 1.14): "R\x00", the request dropped (Ctrl-C
 * clears the raw REPL's line) and plain raw REPL going on. Raw mode is followed by its keys:
 * Ctrl-A enters it, Ctrl-B leaves it.
 */
let rawRepl = false;
let lastFed: number[] = [];
function feedRepl(byte: number): number {
  if (rawRepl && byte === 0x01 && lastFed[0] === 0x05 && lastFed[1] === 0x41) {
    lastFed = [];
    writeDevice(Buffer.from('R\x00', 'latin1'));
    emit({ type: 'raw-paste-refused' });
    return mp.replProcessChar(0x03);
  }
  if (byte === 0x01) rawRepl = true;
  else if (byte === 0x02) rawRepl = false;
  lastFed = [...lastFed, byte].slice(-2);
  return mp.replProcessChar(byte);
}

/** The REPL after main.py: until Ctrl-D (soft reboot) or a reset. */
function runRepl(): void {
  mode = 'repl';
  rawRepl = false;
  emit({ type: 'repl' });
  mp.replInit();
  for (;;) {
    service();
    if (resetRequested) return;
    while (received.length > 0) {
      const byte = received.shift()!;
      if (feedRepl(byte) !== 0) {
        writeText('MPY: soft reboot\n');
        emit({ type: 'soft-reset' });
        return;
      }
    }
    realSleepMs(2);
  }
}

async function main(): Promise<void> {
  const { loadMicroPython } = await import('@micropython/micropython-webassembly-pyscript');
  mp = await loadMicroPython({
    heapsize: config.heapBytes,
    linebuffer: false,
    stdin: () => undefined,
    stdout: () => undefined,
    stderr: () => undefined,
  });
  installDevices();
  installFiles();
  for (let run = 1; ; run++) {
    resetHardware();
    resetRequested = false;
    received = [];
    emit({ type: 'boot', run });
    clearMainGlobals();
    const outcome = runFirmware();
    emit({ type: 'firmware-exit', ...outcome });
    if (outcome.reason === 'reset') continue;
    if (outcome.error) writeText(outcome.error);
    runRepl();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`pico-sim child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
