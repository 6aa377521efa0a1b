/**
 * PicoConnection (src/lib/pico/pico-connection.ts) where it fails: a port another program holds,
 * a port with no firmware behind it, a deploy with no port or one that goes wrong. A socat pty
 * pair whose device end nobody opens stands in for a Pico that says nothing; the simulated Pico
 * covers the connections that work (test/nodes/pico-device.test.ts, mic-in-pico.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { SerialPort } from 'serialport';
import { loadBundledFirmware } from '../../src/lib/pico/bundled-firmware';
import { ConnectionStatus, PicoConnection } from '../../src/lib/pico/pico-connection';
import { startPtyPair, type PtyPair } from '../support/pty-pair';
import { waitFor } from '../support/wait';

const firmware = loadBundledFirmware();

describe('PicoConnection failures', () => {
  let dir: string;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pico-connection-'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function ptyPair(name: string): Promise<PtyPair> {
    const pair = await startPtyPair(await mkdtemp(join(dir, `${name}-`)));
    cleanups.push(() => pair.close());
    return pair;
  }

  /** A connection with short waits everywhere, and every status it showed. */
  function connect(path: string): { connection: PicoConnection; statuses: ConnectionStatus[] } {
    const connection = new PicoConnection({
      path,
      baudRate: 115200,
      firmwarePolicy: 'warn',
      firmware,
      retry: { initialMs: 50, maxMs: 200 },
      identify: { answerTimeoutMs: 100, pings: 1 },
      deploy: { answerTimeoutMs: 100 },
    });
    const statuses: ConnectionStatus[] = [];
    connection.on('status', (status) => statuses.push(status));
    cleanups.push(() => connection.close());
    connection.start();
    return { connection, statuses };
  }

  const shows = (connection: PicoConnection, state: ConnectionStatus['state'], text: RegExp) =>
    waitFor(() => (connection.status.state === state && text.test(connection.status.text) ? connection.status : undefined), `${state}: ${text}`);

  it('refuses a deploy while the port is absent, naming why', async () => {
    const path = join(dir, 'absent', 'host');
    const { connection } = connect(path);
    await shows(connection, 'disconnected', /not plugged in/);
    await assert.rejects(connection.deploy(), { message: `cannot deploy: waiting for ${path} (not plugged in?)` });
    assert.equal(connection.link, undefined);
  });

  it('tells a port another program holds from an absent one, and opens it once it is free', async () => {
    const pair = await ptyPair('held');
    const holder = new SerialPort({ path: pair.hostPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((err) => (err ? reject(err) : resolve())));
    const { connection } = connect(pair.hostPath);
    await shows(connection, 'error', /is in use by another program$/);
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    // Free now, but nothing answers on it: no firmware.
    const status = await shows(connection, 'error', /no pico-mic firmware answered/);
    assert.match(status.text, /nothing arrived: is MicroPython with the pico-mic firmware \(main\.py\) on it\?/);
    assert.equal(connection.link, undefined);
  });

  it('says a deploy failed in the status it goes back to, and keeps the port', async () => {
    const pair = await ptyPair('silent');
    const { connection, statuses } = connect(pair.hostPath);
    await shows(connection, 'error', /^no pico-mic firmware answered/);
    await assert.rejects(connection.deploy(), /no the raw REPL banner within 100 ms/);
    assert.ok(statuses.some((status) => status.state === 'connecting' && status.text === `${pair.hostPath}: deploying ${firmware.text}`));
    assert.equal(connection.status.state, 'error');
    assert.match(connection.status.text, /^deploy failed: no the raw REPL banner within 100 ms .*; no pico-mic firmware answered/);
    // The port is still the connection's: a second deploy gets as far as the first.
    await assert.rejects(connection.deploy(), /no the raw REPL banner/);
  });
});
