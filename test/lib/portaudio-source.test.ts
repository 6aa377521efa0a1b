import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { AudioFormat, bytesPerFrame } from '../../src/lib/audio/format';
import { sampleFormatName } from '../../src/lib/audio/sample-format-names';
import { SourceFailure } from '../../src/lib/capture/audio-source';
import { DeviceBusyError } from '../../src/lib/capture/alsa/busy-retry';
import { loadNaudiodon } from '../../src/lib/capture/alsa/naudiodon-loader';
import { OverflowDetector } from '../../src/lib/capture/alsa/overflow-detector';
import { captureDeviceId } from '../../src/lib/capture/alsa/portaudio-devices';
import { listPortAudioCaptureDevices, PortAudioSource } from '../../src/lib/capture/alsa/portaudio-source';
import { AlsaStandIn } from '../support/alsa-stand-in';
import { sleep } from '../support/wait';

const mono16k: AudioFormat = { sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'signed' };
const stereo48k: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };
const eight96k: AudioFormat = { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' };
const packed24: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 24, encoding: 'signed' };
const float48k: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'float' };

const naudiodon = loadNaudiodon();
const skip = naudiodon instanceof Error ? `naudiodon is not available here: ${naudiodon.message}` : false;

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

function source(device: string, format: AudioFormat, periodMs = 20, bufferMs = 100): PortAudioSource {
  return new PortAudioSource({ device, format, periodMs, bufferMs });
}

interface Capture {
  pcm: Buffer;
  chunks: Buffer[];
  overruns: number[];
}

/**
 * Opens and starts `mic`, takes `bytes` of audio (`onChunk` may slow the consumer down), then
 * stops and closes it.
 */
async function capture(mic: PortAudioSource, bytes: number, onChunk: (index: number) => void = () => undefined): Promise<Capture> {
  const chunks: Buffer[] = [];
  const overruns: number[] = [];
  await mic.open();
  try {
    await new Promise<void>((resolve, reject) => {
      let received = 0;
      mic.on('error', reject);
      mic.on('overrun', (frames) => overruns.push(frames));
      mic.on('data', (pcm) => {
        chunks.push(pcm);
        received += pcm.length;
        if (received >= bytes) {
          mic.stop();
          resolve();
        } else {
          onChunk(chunks.length);
        }
      });
      mic.start();
    });
  } finally {
    await mic.close();
  }
  return { pcm: Buffer.concat(chunks), chunks, overruns };
}

/**
 * A plug in front of a stand-in device that passes only the device's own format through: asked
 * for another sample format, rate or channel count, it would convert, and the bytes would differ.
 * (The stand-in alone copies its file whatever format it is asked for.)
 */
function exactly(name: string, format: AudioFormat): string {
  const slave = `pcm "${name}"\n        format ${sampleFormatName(format)}\n        rate ${format.sampleRate}\n        channels ${format.channels}`;
  return `pcm.${name}_exact {\n    type plug\n    slave {\n        ${slave}\n    }\n}\n`;
}

/** A stand-in-like device whose file may not exist (yet): ALSA cannot open its capture side then. */
function fileDevice(name: string, path: string): string {
  return `pcm.${name} {\n    type file\n    slave.pcm { type null }\n    file "/dev/null"\n    infile "${path}"\n    format "raw"\n}\n`;
}

/**
 * A capture PCM whose infile is a FIFO: audio arrives only as fast as something writes it.
 * The test holds the FIFO open read-write, so ALSA's open of it never blocks (PortAudio opens
 * every device when it lists them) and its reads wait when nothing is written. The test's own
 * writes never wait: what does not fit is left out.
 */
class FifoDevice {
  readonly fd: number;

  constructor(
    readonly name: string,
    readonly path: string,
  ) {
    execFileSync('mkfifo', [path]);
    this.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  }

  get config(): string {
    return fileDevice(this.name, this.path);
  }

  write(bytes: Buffer): void {
    try {
      writeSync(this.fd, bytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }

  /** Keeps writing silence until `done` settles: quit() waits for PortAudio's thread, which waits for the FIFO. */
  async pumpUntil<T>(done: Promise<T>, periodBytes: number): Promise<T> {
    const pump = setInterval(() => this.write(Buffer.alloc(periodBytes)), 10);
    try {
      return await done;
    } finally {
      clearInterval(pump);
    }
  }

  dispose(): void {
    closeSync(this.fd);
  }
}

/**
 * Writes silence into a FIFO device at real-time pace without ever waiting, as a sound card
 * fills its buffer: what does not fit in the (one page) pipe is dropped and counted, as an
 * overflow loses audio. SIGUSR1 prints "written dropped" (in writes of `chunkBytes`); SIGTERM
 * prints it and exits.
 */
const PACED_WRITER = `
import fcntl, os, signal, sys, time
path, bytes_per_second, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 4096)
counts = [0, 0]
def report(signum, frame):
    print(counts[0], counts[1], flush=True)
    if signum == signal.SIGTERM:
        sys.exit(0)
signal.signal(signal.SIGUSR1, report)
signal.signal(signal.SIGTERM, report)
silence = bytes(chunk)
start, sent = time.monotonic(), 0
while True:
    while sent * chunk < (time.monotonic() - start) * bytes_per_second:
        try:
            os.write(fd, silence)
            counts[0] += 1
        except BlockingIOError:
            counts[1] += 1
        sent += 1
    time.sleep(0.002)
`;

class PacedWriter {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;

  constructor(path: string, bytesPerSecond: number, chunkBytes: number) {
    this.child = spawn('python3', ['-c', PACED_WRITER, path, String(bytesPerSecond), String(chunkBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
  }

  /** Chunks dropped so far. */
  async dropped(signal: 'SIGUSR1' | 'SIGTERM' = 'SIGUSR1'): Promise<number> {
    this.child.kill(signal);
    const line = await this.lines.next();
    return Number(String(line.value).split(' ')[1]);
  }
}

const standInDevices = [
  { name: 'mic16k', format: mono16k, seconds: 2 },
  { name: 'mic48k', format: stereo48k, seconds: 1 },
  { name: 'mic96k8', format: eight96k, seconds: 1 },
  { name: 'mic24', format: packed24, seconds: 1 },
  { name: 'micfloat', format: float48k, seconds: 1 },
];

describe('PortAudioSource with the ALSA stand-in', { skip }, () => {
  let standIn: AlsaStandIn;
  let extraDirectory: string;
  let silentFifo: FifoDevice;
  let fadingFifo: FifoDevice;
  let pacedFifo: FifoDevice;

  before(async () => {
    standIn = await AlsaStandIn.create(standInDevices);
    extraDirectory = mkdtempSync(join(tmpdir(), 'portaudio-devices-'));
    silentFifo = new FifoDevice('silent', join(extraDirectory, 'silent'));
    fadingFifo = new FifoDevice('fading', join(extraDirectory, 'fading'));
    pacedFifo = new FifoDevice('paced', join(extraDirectory, 'paced'));
    const extraConfig = join(extraDirectory, 'asoundrc');
    writeFileSync(
      extraConfig,
      [
        ...standInDevices.map(({ name, format }) => exactly(name, format)),
        ...[silentFifo, fadingFifo, pacedFifo].map((fifo) => fifo.config),
        fileDevice('late', join(extraDirectory, 'late.raw')),
        fileDevice('gone', join(extraDirectory, 'gone.raw')),
      ].join(''),
    );
    // Before PortAudio first initializes, which reads the ALSA configuration.
    process.env.ALSA_CONFIG_PATH = `${standIn.configPath}:${extraConfig}`;
  });

  after(async () => {
    for (const fifo of [silentFifo, fadingFifo, pacedFifo]) fifo.dispose();
    rmSync(extraDirectory, { recursive: true, force: true });
    await standIn.dispose();
  });

  for (const { name, format } of standInDevices) {
    it(`captures ${name} (${sampleFormatName(format)}) byte for byte from its first frame`, { timeout: 10_000 }, async () => {
      const halfSecond = (format.sampleRate / 2) * bytesPerFrame(format);
      const { pcm, chunks } = await capture(source(`${name}_exact`, format), halfSecond);
      const expected = await standIn.pcm(name);
      assert.ok(pcm.length >= halfSecond, `got ${pcm.length} of ${halfSecond} bytes`);
      assert.ok(pcm.equals(expected.subarray(0, pcm.length)), 'the audio is the device\'s, from frame 0, with nothing lost or repeated');
      assert.ok(chunks.every((chunk) => chunk.length % bytesPerFrame(format) === 0), 'every chunk is whole frames');
    });
  }

  it('reports no overrun from a device faster than real time, even across a stall shorter than its buffer', { timeout: 10_000 }, async () => {
    // 20 ms chunks consumed in 10 ms each (twice real time, as a busy Node-RED might), for
    // longer than the overflow detector's settling time; once, a 150 ms stall (the buffer is 200 ms).
    const { pcm, overruns } = await capture(source('mic16k', mono16k, 20, 200), 1.5 * 16000 * 2, (index) =>
      busyWait(index === 20 ? 150 : 10),
    );
    assert.deepEqual(overruns, []);
    assert.ok(pcm.equals((await standIn.pcm('mic16k')).subarray(0, pcm.length)));
  });

  it('opens and closes 50 times without leaking descriptors or handles', { timeout: 30_000 }, async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const handles = () => process.getActiveResourcesInfo().sort().join(', ');
    await sleep(50); // lets what earlier tests closed finish closing
    const fileBaseline = openFiles();
    const handleBaseline = handles();
    const startedAt = performance.now();
    for (let round = 0; round < 50; round++) {
      // Every fifth round never starts capturing: closing an idle stream must release it too.
      if (round % 5 === 4) {
        const idle = source('mic48k', stereo48k);
        await idle.open();
        await idle.close();
      } else {
        await capture(source('mic48k', stereo48k), 3 * 960 * 4);
      }
    }
    const elapsedMs = performance.now() - startedAt;
    assert.equal(openFiles(), fileBaseline);
    assert.equal(handles(), handleBaseline);
    assert.ok(elapsedMs < 10_000, `50 rounds took ${Math.round(elapsedMs)} ms`);
  });

  it('fails naming an unknown device and the devices there are', { timeout: 10_000 }, async () => {
    const missing = source('no-such-mic', mono16k);
    await assert.rejects(missing.open(), (err: unknown) => {
      assert.ok(err instanceof SourceFailure);
      assert.equal(err.reason, 'error');
      assert.match(err.message, /"no-such-mic"/);
      assert.match(err.message, /"mic16k"/);
      return true;
    });
    await missing.close();
  });

  it('lists the capture devices for the editor', () => {
    const devices = listPortAudioCaptureDevices();
    assert.ok(!(devices instanceof Error), String(devices));
    const mic = devices.find((device) => device.name === 'mic96k8');
    assert.ok(mic, `mic96k8 among ${devices.map((device) => device.name).join(', ')}`);
    assert.ok(mic.channels >= 8);
    assert.ok(!devices.some((device) => device.name === 'gone'), 'not a device whose capture side does not open');
  });

  it('waits while a device cannot be opened, and opens it once it can', { timeout: 10_000 }, async () => {
    // As when our own previous stream is still letting go of it: PortAudio lists it without capture channels.
    const late = source('late', mono16k);
    const appears = sleep(250).then(() => copyFileSync(join(standIn.directory, 'mic16k.raw'), join(extraDirectory, 'late.raw')));
    const { pcm } = await capture(late, 16000);
    await appears;
    assert.ok(pcm.equals((await standIn.pcm('mic16k')).subarray(0, pcm.length)));
  });

  it('gives up on a device that stays unavailable, saying so', { timeout: 10_000 }, async () => {
    const gone = source('gone', mono16k);
    const startedAt = performance.now();
    await assert.rejects(gone.open(), (err: unknown) => {
      assert.ok(err instanceof DeviceBusyError);
      assert.match(err.message, /"gone" cannot be opened for capture: another program is using it, or it has no capture side/);
      return true;
    });
    assert.ok(performance.now() - startedAt >= 3000, 'after the busy retries (3.1 s)');
    await gone.close();
    // Otherwise ALSA complains on stderr about the missing file whenever PortAudio lists devices.
    copyFileSync(join(standIn.directory, 'mic16k.raw'), join(extraDirectory, 'gone.raw'));
  });

  it('fails with reason error when a device never delivers audio', { timeout: 10_000 }, async () => {
    const silent = source('silent', mono16k);
    try {
      await silent.open();
      const failure = new Promise<SourceFailure>((resolve) => silent.once('error', resolve));
      const startedAt = performance.now();
      silent.start();
      const err = await failure;
      assert.equal(err.reason, 'error');
      assert.match(err.message, /"silent" delivered no audio in the 2000 ms after starting/);
      assert.ok(performance.now() - startedAt >= 2000, 'not before the 2 s limit');
    } finally {
      await silentFifo.pumpUntil(silent.close(), 640);
    }
  });

  it('reports a device that stops delivering as lost, and delivers what came before', { timeout: 10_000 }, async () => {
    const fading = source('fading', mono16k);
    const twelvePeriods = Buffer.from(Array.from({ length: 12 * 640 }, (_, i) => i % 251));
    fadingFifo.write(twelvePeriods);
    try {
      await fading.open();
      const received: Buffer[] = [];
      fading.on('data', (pcm) => received.push(pcm));
      const failure = new Promise<SourceFailure>((resolve) => fading.once('error', resolve));
      fading.start();
      const err = await failure;
      assert.equal(err.reason, 'device-lost');
      assert.match(err.message, /"fading" stopped delivering audio for 2000 ms/);
      assert.deepEqual(Buffer.concat(received), twelvePeriods);
    } finally {
      await fadingFifo.pumpUntil(fading.close(), 640);
    }
  });

  it('counts the frames a device drops while this process stalls past its buffer', { timeout: 20_000 }, async () => {
    // 20 ms periods of 640 bytes; the device drops what neither its pipe (128 ms) nor the
    // 200 ms queue holds. The stall also outlasts the 2 s silence limit, which must not fire.
    const periodBytes = 640;
    const writer = new PacedWriter(pacedFifo.path, 32000, periodBytes);
    const paced = source('paced', mono16k, 20, 200);
    const overruns: number[] = [];
    const failures: SourceFailure[] = [];
    paced.on('overrun', (frames) => overruns.push(frames));
    paced.on('error', (err) => failures.push(err));
    let droppedBefore = 0;
    let droppedAfter = 0;
    try {
      await paced.open();
      paced.start();
      await sleep(500);
      droppedBefore = await writer.dropped();
      busyWait(2500);
      await sleep(1500);
    } finally {
      paced.stop();
      await pacedFifo.pumpUntil(paced.close(), periodBytes);
      droppedAfter = await writer.dropped('SIGTERM');
    }
    const droppedFrames = (droppedAfter - droppedBefore) * (periodBytes / 2);

    assert.deepEqual(failures, []);
    assert.ok(droppedFrames > 16000, `the device dropped ${droppedFrames} frames`);
    assert.equal(overruns.length, 1, `overruns: ${overruns.join(', ')}`);
    const slack = 2 * 320 + 320; // two periods and the scheduling slack (20 ms)
    assert.ok(Math.abs(overruns[0]! - droppedFrames) <= slack, `reported ${overruns[0]} lost, the device dropped ${droppedFrames}`);
  });
});

describe('PortAudioSource description', () => {
  it('tells what it captures from, and how', () => {
    const mic = source('hw:1,0', stereo48k);
    assert.deepEqual(mic.info, { kind: 'alsa', device: 'hw:1,0', backend: 'portaudio' });
    assert.deepEqual(mic.format, stereo48k);
  });

  it('rejects 8-bit, which PortAudio captures signed', () => {
    assert.throws(() => source('default', { sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' }), (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /U8/);
      return true;
    });
  });
});

describe('captureDeviceId', () => {
  // As PortAudio lists them on a Pi with a USB microphone: cards by "<card>: <device> (hw:C,D)".
  const device = (id: number, name: string, maxInputChannels: number) => ({ id, name, maxInputChannels, defaultSampleRate: 48000 });
  const devices = [
    device(0, 'bcm2835 Headphones: - (hw:0,0)', 0),
    device(1, 'USB PnP Sound Device: Audio (hw:1,0)', 1),
    device(2, 'seeed-8mic-voicecard: (hw:2,0)', 8),
    device(3, 'dsnoop8', 8),
  ];

  it('finds a device by its name, or a card by hw:C,D', () => {
    assert.equal(captureDeviceId(devices, 'dsnoop8', 8), 3);
    assert.equal(captureDeviceId(devices, 'USB PnP Sound Device: Audio (hw:1,0)', 1), 1);
    assert.equal(captureDeviceId(devices, 'hw:2,0', 8), 2);
    assert.equal(captureDeviceId(devices, 'hw:1', 1), 1);
  });

  it('takes PortAudio\'s default input for "default" when it lists none by that name', () => {
    assert.equal(captureDeviceId(devices, 'default', 2), -1);
    assert.equal(captureDeviceId([...devices, device(4, 'default', 2)], 'default', 2), 4);
  });

  it('tells a missing device from a busy one and from too many channels', () => {
    assert.throws(() => captureDeviceId(devices, 'plughw:1,0', 1), (err: unknown) => {
      assert.ok(err instanceof SourceFailure && !(err instanceof DeviceBusyError));
      assert.match(err.message, /no capture device "plughw:1,0"; PortAudio lists "USB PnP Sound Device: Audio \(hw:1,0\)", "seeed-8mic-voicecard: \(hw:2,0\)", "dsnoop8"$/);
      return true;
    });
    assert.throws(() => captureDeviceId(devices, 'hw:0,0', 1), DeviceBusyError);
    assert.throws(() => captureDeviceId(devices, 'hw:1,0', 2), /"hw:1,0" cannot capture 2 channels; it has 1/);
  });
});

describe('OverflowDetector', () => {
  const rate = 16000;
  const period = 320; // 20 ms
  const detector = () => new OverflowDetector({ sampleRate: rate, toleranceFrames: 2 * period + 320, settleMs: 400 });

  /** Delivers a period whenever the device has one, by a clock `clockRatio` times ours, with ±3 ms of jitter. */
  function deliver(target: OverflowDetector, fromMs: number, toMs: number, clockRatio = 1): number {
    let lost = 0;
    for (let frames = Math.ceil((fromMs * rate * clockRatio) / 1000 / period) * period; ; frames += period) {
      const at = (frames / (rate * clockRatio)) * 1000 + 3 * Math.sin(frames);
      if (at >= toMs) return lost;
      lost += target.received(period, at);
    }
  }

  it('finds nothing lost in steady real-time delivery', () => {
    const steady = detector();
    steady.start(0);
    assert.equal(deliver(steady, 0, 600_000), 0);
  });

  it('takes a stall whose backlog arrives later for no loss', () => {
    const stalled = detector();
    stalled.start(0);
    let lost = deliver(stalled, 0, 1000);
    // 300 ms without delivery, then the buffered 15 periods at once.
    for (let i = 0; i < 15; i++) lost += stalled.received(period, 1300 + i * 0.2);
    lost += deliver(stalled, 1300, 5000);
    assert.equal(lost, 0);
  });

  it('reports a lasting gap once, after it settled, within a period', () => {
    const gapped = detector();
    gapped.start(0);
    assert.equal(deliver(gapped, 0, 1000), 0);
    // The device dropped the audio of 1000..1500 ms.
    const reports: { frames: number; atMs: number }[] = [];
    for (let frames = (1500 * rate) / 1000; frames < (5000 * rate) / 1000; frames += period) {
      const atMs = (frames / rate) * 1000 + 3 * Math.sin(frames);
      const found = gapped.received(period, atMs);
      if (found > 0) reports.push({ frames: found, atMs });
    }
    assert.equal(reports.length, 1);
    assert.ok(reports[0]!.atMs >= 1500 + 400, `reported at ${reports[0]!.atMs} ms, before the gap had lasted the settling time`);
    assert.ok(Math.abs(reports[0]!.frames - 8000) <= period, `reported ${reports[0]!.frames} of 8000 frames lost`);
  });

  it('takes a slow device clock (0.05 %) for drift, not loss, over an hour', () => {
    const drifting = detector();
    drifting.start(0);
    assert.equal(deliver(drifting, 0, 3_600_000, 0.9995), 0);
  });

  it('finds nothing lost from a source faster than real time', () => {
    const fast = detector();
    fast.start(0);
    assert.equal(deliver(fast, 0, 60_000, 50), 0);
  });
});

describe('loadNaudiodon', { skip }, () => {
  it('puts back what the require cache held for segfault-handler', () => {
    const requireHere = createRequire(__filename);
    const handlerPath = requireHere.resolve('segfault-handler', { paths: [dirname(requireHere.resolve('naudiodon'))] });
    assert.equal(loadNaudiodon(), naudiodon, 'loaded once');
    assert.equal(requireHere.cache[handlerPath], undefined, 'the do-nothing stand-in is gone; nothing had loaded the real one');
  });

  it('leaves WebAssembly traps catchable (no foreign SIGSEGV handler, no crash.log)', () => {
    // A module exporting load(address): the i32 at `address` in its one 64 KiB page of memory.
    const wasm = [
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
      [0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f], // types: (func (param i32) (result i32))
      [0x03, 0x02, 0x01, 0x00], // functions: one, of type 0
      [0x05, 0x03, 0x01, 0x00, 0x01], // memory: one, at least 1 page
      [0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x00], // exports: "load" = function 0
      [0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b], // code: local.get 0, i32.load, end
    ].flat();
    const workDirectory = mkdtempSync(join(tmpdir(), 'naudiodon-wasm-'));
    // In a child process: if the handler were installed, the trap would end the process.
    const script = `
      const { loadNaudiodon } = require(${JSON.stringify(join(__dirname, '../../src/lib/capture/alsa/naudiodon-loader.ts'))});
      process.chdir(${JSON.stringify(workDirectory)});
      const loaded = loadNaudiodon();
      if (loaded instanceof Error) throw loaded;
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(${JSON.stringify(wasm)})));
      try { exports.load(0x7fff0000); console.log('no trap'); } catch (err) { console.log('caught ' + err.constructor.name); }
    `;
    try {
      const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
      assert.equal(child.signal, null, `the child died of ${child.signal}: ${child.stderr}`);
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /caught RuntimeError/);
      assert.equal(existsSync(join(workDirectory, 'crash.log')), false);
    } finally {
      rmSync(workDirectory, { recursive: true, force: true });
    }
  });
});
