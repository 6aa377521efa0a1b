import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import express from 'express';
import RED from 'node-red';
import { AlsaStandIn } from '../support/alsa-stand-in';
import { startPicoSimulation } from '../support/pico-sim/index';
import { waitFor } from '../support/wait';

const root = join(__dirname, '../..');

describe("mic-in's device list for the editor, in a Node-RED with admin authentication", () => {
  let standIn: AlsaStandIn;
  let userDir: string;
  let server: Server;
  let base: string;

  before(async () => {
    standIn = await AlsaStandIn.create([{ name: 'usbmic', format: { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' }, seconds: 1 }]);
    process.env.ALSA_CONFIG_PATH = standIn.configPath;
    userDir = await mkdtemp(join(tmpdir(), 'device-endpoint-'));
    await mkdir(join(userDir, 'node_modules'));
    await symlink(root, join(userDir, 'node_modules', 'node-red-contrib-audio-capture'), 'dir');
    const app = express();
    server = createServer(app);
    RED.init(server, {
      userDir,
      httpAdminRoot: '/',
      credentialSecret: false,
      logging: { console: { level: 'off' } },
      editorTheme: { tours: false },
      adminAuth: {
        type: 'credentials',
        // Node-RED's session expiry timer holds the process open until the last token expires: make that soon.
        sessionExpiryTime: 2,
        users: [
          { username: 'admin', password: await bcrypt.hash('secret', 4), permissions: '*' },
          { username: 'viewer', password: await bcrypt.hash('secret', 4), permissions: 'read' },
          { username: 'nobody', password: await bcrypt.hash('secret', 4), permissions: 'flows.read' },
        ],
      },
    } as never);
    app.use('/', RED.httpAdmin);
    await RED.start();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await RED.stop();
    await new Promise((resolve) => server.close(resolve));
    await rm(userDir, { recursive: true, force: true });
    await standIn.dispose();
  });

  const scopes: Record<string, string> = { admin: '*', viewer: 'read', nobody: 'flows.read' };

  async function token(username: string): Promise<string> {
    const response = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: scopes[username], username, password: 'secret' }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  const devices = (auth?: string) => fetch(`${base}/mic-in/devices`, auth ? { headers: { authorization: `Bearer ${auth}` } } : {});

  it('refuses a caller who is not logged in', async () => {
    assert.equal((await devices()).status, 401);
  });

  it('refuses a user without read permission on mic-in', async () => {
    assert.equal((await devices(await token('nobody'))).status, 401);
    assert.equal((await fetch(`${base}/flows`, { headers: { authorization: `Bearer ${await token('nobody')}` } })).status, 200, 'the user is otherwise logged in');
  });

  it('lists the capture devices, with channel counts from PortAudio, to a user who may read', async () => {
    for (const user of ['viewer', 'admin']) {
      const response = await devices(await token(user));
      assert.equal(response.status, 200);
      const listing = (await response.json()) as { devices: { name: string; description: string; channels?: number }[]; problems: string[] };
      const usbmic = listing.devices.find((device) => device.name === 'usbmic');
      assert.ok(usbmic, JSON.stringify(listing));
      assert.match(usbmic.description, /Stand-in 2 ch 48000 Hz/);
      assert.equal(typeof usbmic.channels, 'number');
      assert.deepEqual(listing.problems, []);
    }
  });

  const as = (auth: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${auth}` } });
  const ports = (init?: RequestInit) => fetch(`${base}/pico-device/ports`, init);
  const deploy = (id: string, init?: RequestInit) => fetch(`${base}/pico-device/${id}/deploy`, { method: 'POST', ...init });

  it("lists serial ports for pico-device to users who may read, udev or not, and to no one else", async () => {
    assert.equal((await ports()).status, 401);
    assert.equal((await ports(as(await token('nobody')))).status, 401);
    for (const user of ['viewer', 'admin']) {
      const response = await ports(as(await token(user)));
      assert.equal(response.status, 200);
      const listing = (await response.json()) as { ports: { path: string; device: string; description: string }[]; problems: string[] };
      assert.ok(Array.isArray(listing.ports) && Array.isArray(listing.problems), JSON.stringify(listing));
    }
  });

  it("deploys the Pico firmware only for users who may change pico-device, and only to a deployed one", async () => {
    assert.equal((await deploy('nosuch')).status, 401);
    assert.equal((await deploy('nosuch', as(await token('viewer')))).status, 401, 'reading is not enough');
    const missing = await deploy('nosuch', as(await token('admin')));
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /deploy/);

    const sim = await startPicoSimulation({ dir: join(userDir, 'pico') });
    try {
      const admin = await token('admin');
      const flows = [{ id: 'pico1', type: 'pico-device', port: sim.hostPath, baud: 115200, firmware: 'off' }];
      const deployed = await fetch(`${base}/flows`, as(admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(flows) }));
      assert.equal(deployed.status, 204);
      // The flow starts after the answer to POST /flows, and the config node opens its port after that.
      const response = await waitFor(async () => {
        const answer = await deploy('pico1', as(admin));
        const starting = answer.status === 404 || (answer.status === 500 && /cannot deploy: opening/.test(await answer.clone().text()));
        return starting ? undefined : answer;
      }, 'the flow to start and the port to open');
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(((await response.json()) as { firmware: string }).firmware, 'pico-mic 1.0.0');
      assert.equal(sim.events.filter((event) => event.type === 'soft-reset').length, 1);
    } finally {
      await fetch(`${base}/flows`, as(await token('admin'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }));
      await sim.close();
    }
  });
});
