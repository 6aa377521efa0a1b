/**
 * The pico-device config node against the simulated Pico on a pty: finding the port when it
 * appears, the firmware check on connect (tell, or deploy), the deploy the editor asks for, and
 * the button edges it hands on.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { PicoButtonEdge } from '../../src/lib/gpio/pico-button-watcher';
import type { ConnectionStatus } from '../../src/lib/pico/pico-connection';
import type { PicoDeviceApi } from '../../src/nodes/pico-device/pico-device-api';
import { FlowNode, helper, onCall, picoDeviceNode } from '../support/node-red';
import { FIRMWARE_PATH, firmwareDeclaring, type PicoSimOptions, type PicoSimulation, startPicoSimulation } from '../support/pico-sim/index';
import { waitFor } from '../support/wait';

describe('pico-device (simulated Pico on a pty)', () => {
  let dir: string;
  let oldFirmware: string;
  const sims: PicoSimulation[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pico-device-'));
    oldFirmware = join(dir, 'old-main.py');
    await writeFile(oldFirmware, firmwareDeclaring('0.9.0'));
  });
  afterEach(async () => {
    await helper.unload();
    for (const sim of sims.splice(0)) await sim.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function simulate(name: string, options: Omit<PicoSimOptions, 'dir'> = {}) {
    const sim = await startPicoSimulation({ dir: join(dir, name), ...options });
    sims.push(sim);
    return sim;
  }

  async function load(port: string, firmware: string) {
    const flow: FlowNode[] = [{ id: 'pico', type: 'pico-device', port, baud: 115200, firmware }];
    await helper.load(picoDeviceNode, flow);
    const device = helper.getNode('pico') as unknown as PicoDeviceApi;
    const warnings: string[] = [];
    onCall<string>(helper.getNode('pico'), 'warn', (text) => warnings.push(text));
    const statuses: ConnectionStatus[] = [];
    device.onStatus((status) => statuses.push(status));
    return { device, warnings, statuses };
  }

  const reaches = (device: PicoDeviceApi, state: ConnectionStatus['state'], timeoutMs = 10_000) =>
    waitFor(() => (device.status().state === state ? device.status() : undefined), `the status ${state}`, timeoutMs);

  it('waits for a port that is not there yet, connects when it appears, and hands on button edges', async () => {
    const { device, statuses } = await load(join(dir, 'later', 'host'), 'warn');
    assert.deepEqual(await reaches(device, 'disconnected'), { state: 'disconnected', text: `waiting for ${join(dir, 'later', 'host')} (not plugged in?)` });
    assert.equal(device.link(), undefined);
    const sim = await simulate('later');
    await reaches(device, 'connected');
    assert.ok(device.link());
    assert.deepEqual(
      [...new Set(statuses.map((status) => status.state))],
      ['connecting', 'disconnected', 'connected'],
      'connecting, then waiting, then connected',
    );
    const edges: PicoButtonEdge[] = [];
    device.onButton((edge) => edges.push(edge));
    sim.setButton(true);
    await waitFor(() => edges[0], 'the press');
    sim.setButton(false);
    await waitFor(() => edges[1], 'the release');
    assert.deepEqual(edges.map(({ pin, pressed }) => ({ pin, pressed })), [{ pin: 15, pressed: true }, { pin: 15, pressed: false }]);
    const held = (edges[1]!.ticksMs - edges[0]!.ticksMs + 2 ** 30) % 2 ** 30;
    assert.ok(held > 0 && held < 2000, `held ${held} ms on the Pico's clock`);
  });

  it('answers the editor\'s deploy request: 404 for a Pico not deployed, 500 with the reason when the deploy fails', async () => {
    const absent = join(dir, 'nowhere', 'host');
    const { device } = await load(absent, 'warn');
    await reaches(device, 'disconnected');
    assert.equal((await helper.request().post('/pico-device/elsewhere/deploy')).status, 404);
    const failed = await helper.request().post('/pico-device/pico/deploy');
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.body, { error: `cannot deploy: waiting for ${absent} (not plugged in?)` });
  });

  it('tells when the firmware is outdated, and stays usable', async () => {
    const sim = await simulate('outdated', { firmwarePath: oldFirmware });
    const { device, warnings } = await load(sim.hostPath, 'warn');
    const status = await reaches(device, 'connected');
    assert.match(status.text, /pico-mic 0\.9\.0 is outdated: pico-mic 1\.0\.0 can be deployed/);
    await waitFor(() => warnings[0], 'the warning');
    assert.match(warnings[0]!, /pico-device\.warnings\.outdated|outdated/);
    assert.equal(sim.events.filter((event) => event.type === 'soft-reset').length, 0, 'nothing deployed');
  });

  it('deploys the bundled firmware by itself when told to, then connects', async () => {
    const sim = await simulate('auto', { firmwarePath: oldFirmware });
    const { device, statuses } = await load(sim.hostPath, 'deploy');
    await waitFor(() => statuses.find((status) => /deploying pico-mic 1\.0\.0/.test(status.text)), 'the deploy to begin');
    const status = await reaches(device, 'connected', 20_000);
    assert.equal(status.text, `${sim.hostPath}: pico-mic 1.0.0`);
    assert.equal(sim.events.filter((event) => event.type === 'soft-reset').length, 1);
  });

  it('reports missing firmware, and deploys it when asked (the editor\'s button)', async () => {
    // Holding the button at boot leaves MicroPython at its prompt: no firmware answers.
    const sim = await simulate('missing', { buttonHeldAtBoot: true });
    const { device, warnings } = await load(sim.hostPath, 'warn');
    const status = await reaches(device, 'error');
    assert.match(status.text, /no pico-mic firmware answered \(\d+ bytes arrived but no pico-mic frame: MicroPython is at its prompt/);
    await waitFor(() => warnings[0], 'the warning');
    sim.setButton(false);
    const result = await device.deployFirmware();
    assert.deepEqual(result, { firmware: 'pico-mic 1.0.0', bytes: (await readFile(FIRMWARE_PATH)).length, rawPaste: false });
    assert.equal((await reaches(device, 'connected')).text, `${sim.hostPath}: pico-mic 1.0.0`);
  });
});
