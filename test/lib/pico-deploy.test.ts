/**
 * Deploying the firmware over MicroPython's raw REPL (src/lib/pico/raw-repl.ts, firmware-deploy.ts):
 * against a scripted MicroPython on a pty for each answer to the raw-paste request (flow-control
 * windows included), and into the simulated Pico, whose WebAssembly MicroPython runs the upload for real.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SerialPort } from 'serialport';
import { BundledFirmware, loadBundledFirmware } from '../../src/lib/pico/bundled-firmware';
import { deployFirmware } from '../../src/lib/pico/firmware-deploy';
import { fileUpload, uploadMismatch } from '../../src/lib/pico/firmware-upload';
import { PortSession } from '../../src/lib/pico/port-session';
import { firmwareDeclaring, startPicoSimulation } from '../support/pico-sim/index';
import { type RawPasteSupport, ScriptedMicroPython } from '../support/scripted-micropython';
import { waitFor } from '../support/wait';

const bundled = loadBundledFirmware();

/** The bundled firmware as an older release would be. */
const olderFirmware = (): Buffer => firmwareDeclaring('0.9.0');

async function openPort(path: string): Promise<{ port: SerialPort; session: PortSession }> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return { port, session: new PortSession(port) };
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

describe('the bundled firmware and its upload script', () => {
  it('reads the version main.py declares', () => {
    assert.match(bundled.text, /^pico-mic \d+\.\d+\.\d+$/);
    assert.equal(bundled.text, `pico-mic ${/^FIRMWARE_VERSION = '([^']*)'/m.exec(bundled.bytes.toString())![1]}`);
  });

  it('cuts the file into base64 chunks that add up to it, and checks what the Pico reports', () => {
    const upload = fileUpload('main.py', bundled.bytes);
    const decoded = Buffer.concat(upload.chunks.map((chunk) => Buffer.from(/b'([^']*)'/.exec(chunk)![1]!, 'base64')));
    assert.deepEqual(decoded, bundled.bytes);
    assert.ok(upload.chunks.every((chunk) => chunk.length < 1500), 'each exec stays small');
    assert.equal(uploadMismatch(upload, `written ${upload.expected.size} ${upload.expected.crc}\r\n`), undefined);
    assert.match(uploadMismatch(upload, `written ${upload.expected.size} 1\r\n`) ?? '', /CRC 1, expected/);
    assert.match(uploadMismatch(upload, 'Traceback') ?? '', /did not report/);
    assert.throws(() => fileUpload("main.py'); import os; os.remove('x", bundled.bytes), RangeError);
  });
});

describe('firmware deploy to a scripted MicroPython on a pty', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pico-deploy-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function deployTo(rawPaste: RawPasteSupport, options: { corruptWrites?: boolean; firmware?: BundledFirmware } = {}) {
    const device = await ScriptedMicroPython.start(await mkdtemp(join(dir, `${rawPaste}-`)), { rawPaste, window: 64, mainPy: olderFirmware(), corruptWrites: options.corruptWrites });
    const { port, session } = await openPort(device.hostPath);
    try {
      const outcome = await deployFirmware(session, { firmware: options.firmware ?? bundled }).then(
        (result) => ({ result, error: undefined }),
        (error: Error) => ({ result: undefined, error }),
      );
      // A failed deploy ends with a soft reset it does not wait for: give it time to arrive before the port closes.
      await waitFor(() => (device.boots >= 2 ? true : undefined), 'the device to restart', 3000).catch(() => undefined);
      return { device, ...outcome };
    } finally {
      await closePort(port);
      await device.close();
    }
  }

  it('uploads in raw-paste mode within the windows the device grants, checks, replaces main.py and sees the new version', async () => {
    const { device, result, error } = await deployTo('yes');
    assert.equal(error, undefined);
    assert.deepEqual(result, { firmware: bundled.text, bytes: bundled.bytes.length, rawPaste: true });
    assert.deepEqual(device.files.get('main.py'), bundled.bytes);
    assert.equal(device.files.has('main.py.part'), false);
    assert.equal(device.windowViolations, 0, 'never more than the granted window');
    assert.ok(device.grants > bundled.bytes.length / 64, `${device.grants} windows granted on the way`);
    assert.ok(device.runs.every((run) => run.mode === 'raw-paste'));
    assert.equal(device.boots, 2, 'soft-reset once, after the upload');
  });

  it('falls back to plain raw REPL when the device answers R\\x00', async () => {
    const { device, result, error } = await deployTo('refused');
    assert.equal(error, undefined);
    assert.equal(result?.rawPaste, false);
    assert.deepEqual(device.files.get('main.py'), bundled.bytes);
    assert.ok(device.runs.length > 20 && device.runs.every((run) => run.mode === 'raw'));
  });

  it('falls back to plain raw REPL when the device does not know the request (it restarts its raw REPL)', async () => {
    const { device, result, error } = await deployTo('unknown');
    assert.equal(error, undefined);
    assert.equal(result?.rawPaste, false);
    assert.deepEqual(device.files.get('main.py'), bundled.bytes);
  });

  it('leaves main.py as it was when the file written does not check out, and restarts it', async () => {
    const { device, error } = await deployTo('yes', { corruptWrites: true });
    assert.match(error?.message ?? '', /the Pico wrote \d+ bytes with CRC \d+, expected/);
    assert.deepEqual(device.files.get('main.py'), olderFirmware(), 'the old firmware stays');
    assert.equal(device.runs.some((run) => run.code.includes('os.rename')), false);
    assert.equal(device.boots, 2, 'soft-reset so the old firmware runs again');
  });

  it('fails when the firmware that boots is not the one deployed', async () => {
    const mislabelled: BundledFirmware = { ...bundled, text: 'pico-mic 9.9.9' };
    const { error } = await deployTo('yes', { firmware: mislabelled });
    assert.match(error?.message ?? '', /says "pico-mic 1\.0\.0", expected "pico-mic 9\.9\.9"/);
  });
});

describe('firmware deploy into the simulated Pico (real MicroPython runs the upload)', () => {
  it('replaces an older firmware: raw REPL (the simulated REPL has no raw-paste), flash written, soft reset, new hello', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pico-deploy-sim-'));
    const oldPath = join(dir, 'old-main.py');
    await writeFile(oldPath, olderFirmware());
    const sim = await startPicoSimulation({ dir: join(dir, 'pty'), firmwarePath: oldPath });
    const { port, session } = await openPort(sim.hostPath);
    try {
      const steps: string[] = [];
      const result = await deployFirmware(session, { firmware: bundled, onStep: (step) => steps.push(step) });
      assert.deepEqual(result, { firmware: bundled.text, bytes: bundled.bytes.length, rawPaste: false });
      assert.deepEqual(steps.map((step) => step.split(' ')[0]), ['stopping', 'entering', 'writing', 'restarting', 'waiting']);
      const kinds = sim.events.map((event) => event.type);
      for (const kind of ['firmware-exit', 'repl', 'raw-paste-refused', 'soft-reset'] as const) assert.ok(kinds.includes(kind), `${kind} in ${kinds.join(', ')}`);
      assert.equal(sim.events.filter((event) => event.type === 'boot').length, 2);
    } finally {
      await closePort(port);
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
