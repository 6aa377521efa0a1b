// The main job's Node-RED editor (npm start), driven in Debian's Chromium as a user would: the
// palette, the example flow, the edit dialogs and help of our nodes, and a recording started and
// stopped with the inject buttons. Needs /usr/bin/chromium (apt-get install chromium) and fails
// without it. The temp dir (Node-RED user dir, recording, screenshots) is kept when a test fails,
// or always with KEEP_TEST_DIR=1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { dismissFirstRunPopovers, launchChromium, within } from '../support/browser';
import { MainJob } from '../support/main-job';

const root = join(__dirname, '../..');

type FlowNode = { id: string; type: string; z?: string; name?: string; label?: string } & Record<string, unknown>;
const flow: FlowNode[] = JSON.parse(readFileSync(join(root, 'examples/record-test-signal.json'), 'utf8'));
const tab = flow.find((n) => n.type === 'tab')!;
const ofType = (type: string): FlowNode => flow.find((n) => n.type === type)!;
const injectNamed = (name: string): FlowNode => flow.find((n) => n.type === 'inject' && n.name === name)!;
// Properties of a node in a flow file that are not settings shown in its dialog.
const NOT_SETTINGS = new Set(['id', 'type', 'z', 'g', 'x', 'y', 'wires']);

const OURS = ['mic-in', 'wav-writer', 'button-trigger', 'sd-store'];
/** Our types on the example flow's tab; the others come from their own example, imported into the editor for their dialog. */
const ON_TAB = OURS.filter((type) => flow.some((n) => n.type === type));
const OWN_EXAMPLE: Record<string, string> = { 'button-trigger': 'examples/record-on-button.json', 'sd-store': 'examples/record-to-sd-card.json' };
const ownExample = (type: string): FlowNode[] => JSON.parse(readFileSync(join(root, OWN_EXAMPLE[type]!), 'utf8'));
/** A node of `type` as an example flow holds it. */
function exampleNode(type: string): FlowNode {
  if (ON_TAB.includes(type)) return ofType(type);
  return ownExample(type).find((n) => n.type === type)!;
}
/** The config nodes (no tab) an imported example node names, such as sd-store's sd-card: imported with it. */
function configNodesOf(type: string, node: FlowNode): FlowNode[] {
  return ownExample(type).filter((n) => n.z === undefined && n.type !== 'tab' && Object.values(node).includes(n.id));
}
const catalogs: Record<string, unknown> = Object.fromEntries(
  [...OURS, 'pico-device'].map((type) => [type, JSON.parse(readFileSync(join(root, 'src/nodes', type, 'locales/en-US', `${type}.json`), 'utf8'))]),
);
/** The en-US string for a locale key such as "mic-in.label.palette". */
function text(key: string): string {
  const value = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], catalogs[key.split('.')[0]!]);
  assert.equal(typeof value, 'string', `locale string ${key}`);
  return value as string;
}
/** A locale key shown as is: what the editor displays when a translation is missing. */
const RAW_KEY = /\b(?:mic-in|wav-writer|button-trigger|sd-store|sd-card|pico-device)\.[A-Za-z]+\.[A-Za-z0-9_]+/;

const normalize = (s: string | null): string => (s ?? '').replace(/\s+/g, ' ').trim();
const exactly = (s: string): RegExp => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
const stripTags = (html: string): string => html.replace(/<[^>]*>/g, '');

/** Polls `check` until it returns a value other than undefined; fails after `ms`. */
async function poll<T>(ms: number, what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await delay(50);
  }
}

describe('the Node-RED editor of the main job, in Chromium', () => {
  let dir: string;
  let job: MainJob | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let url: string;
  let recordings: string;
  let popovers: string[] = [];
  let failed = false;
  const pageErrors: string[] = [];
  const responses = new Map<string, number>();

  /** A workspace node of the example flow (an SVG group whose id is the node's id). */
  const onCanvas = (id: string): Locator => page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
  const statusOf = (id: string): Locator => onCanvas(id).locator('.red-ui-flow-node-status-label');
  const wavs = async (): Promise<string[]> => (await readdir(recordings).catch(() => [])).filter((n) => n.endsWith('.wav')).sort();

  /** A test that keeps the temp dir, a screenshot and the main job's log when it fails. */
  function step(name: string, fn: (t: TestContext) => Promise<void>): void {
    it(name, async (t) => {
      try {
        await fn(t);
      } catch (err) {
        failed = true;
        const file = `failure-${name.replace(/\W+/g, '-').slice(0, 50)}.png`;
        await page?.screenshot({ path: join(dir, file), timeout: 5000 }).catch(() => undefined);
        // Leave no edit dialog open over the editor for the next test.
        await page?.locator('#node-dialog-cancel').click({ timeout: 1000 }).catch(() => undefined);
        throw err;
      }
    });
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'editor-'));
    try {
      // Chromium first: without it the test fails at once, before starting Node-RED.
      ({ context, page } = await launchChromium(join(dir, 'chromium-profile')));
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('response', (response) => responses.set(response.url(), response.status()));
      job = new MainJob(join(dir, 'node-red'));
      url = await job.started();
      recordings = (await job.waitFor(/Recordings go to:\s+(\S.*)/))[1]!.trim();
      await page.goto(url, { timeout: 20_000 });
      await page.locator('.red-ui-palette-node[data-palette-type="mic-in"]').waitFor({ timeout: 15_000 });
      popovers = await dismissFirstRunPopovers(page);
    } catch (err) {
      failed = true;
      throw err;
    }
  }, { timeout: 45_000 });

  after(async () => {
    await within(10_000, 'closing Chromium', context?.close() ?? Promise.resolve()).catch((err: Error) => console.error(err.message));
    if (job) {
      try {
        await within(15_000, 'stopping the main job with SIGTERM', job.stop('SIGTERM'));
      } catch (err) {
        console.error((err as Error).message);
        await job.stop('SIGKILL');
      }
    }
    if (failed || process.env.KEEP_TEST_DIR) {
      if (job) await writeFile(join(dir, 'main-job.log'), job.log);
      console.log(`editor test: files kept in ${dir}`);
    } else {
      await rm(dir, { recursive: true, force: true });
    }
  });

  step(`shows ${OURS.join(', ')} in the palette category "audio" with their labels and icons`, async () => {
    const category = page.locator('#red-ui-palette-container-audio');
    await category.waitFor();
    assert.equal(normalize(await category.locator('.red-ui-palette-header').innerText()), 'audio');
    for (const type of OURS) {
      const node = category.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
      await node.scrollIntoViewIfNeeded();
      const label = text(`${type}.label.palette`);
      assert.equal(await node.getAttribute('data-palette-label'), label);
      assert.equal(normalize(await node.locator('.red-ui-palette-label').innerText()), label);

      const icon = `icons/node-red-contrib-audio-capture/${type}.svg`;
      assert.equal(await node.locator('.red-ui-palette-icon-container').getAttribute('data-palette-icon'), icon);
      assert.ok((await node.locator('.red-ui-palette-icon').getAttribute('style'))?.includes(icon), `${type} palette icon style`);
      const iconUrl = new URL(icon, `${url}/`).href;
      const status = await poll(5000, `the editor's request for ${iconUrl}`, () => responses.get(iconUrl));
      assert.equal(status, 200, iconUrl);
      const [width, height] = await page.evaluate<[number, number]>(
        `(async () => { const img = new Image(); img.src = ${JSON.stringify(iconUrl)}; await img.decode(); return [img.naturalWidth, img.naturalHeight]; })()`,
      );
      assert.ok(width > 0 && height > 0, `${type} icon decodes as an image (${width}x${height})`);
    }
  });

  step(`shows the example flow "${tab.label}" with its nodes, labels, port labels and idle statuses`, async () => {
    const tabItem = page.locator(`#red-ui-workspace-tabs li.red-ui-tab[id="red-ui-tab-${tab.id}"]`);
    assert.equal(normalize(await tabItem.innerText()), tab.label);
    assert.match((await tabItem.getAttribute('class')) ?? '', /\bactive\b/);
    for (const node of flow.filter((n) => n.z === tab.id)) {
      const shown = normalize(await onCanvas(node.id).locator('.red-ui-flow-node-label-text').textContent());
      if (OURS.includes(node.type)) assert.equal(shown, node.name || text(`${node.type}.label.default`), `${node.type} ${node.id}`);
      // Core nodes may decorate their name (the debug node adds ⇲ when it also logs to the console).
      else assert.ok(shown.startsWith(node.name || node.type), `${node.type} ${node.id}: ${shown}`);
    }
    for (const type of ON_TAB) {
      const node = onCanvas(ofType(type).id);
      assert.equal(await node.locator('image.red-ui-flow-node-icon').getAttribute('href'), `icons/node-red-contrib-audio-capture/${type}.svg`);
      // Hovering a port shows its label from the locale (inputLabels / outputLabels).
      for (const [port, key] of [['input', 'input'], ['output', 'output']]) {
        await node.locator(`.red-ui-flow-port-${port} .red-ui-flow-port`).hover();
        const tooltip = page.locator('.red-ui-flow-port-tooltip');
        await tooltip.waitFor();
        assert.equal(normalize(await tooltip.textContent()), text(`${type}.label.${key}`), `${type} ${port} port label`);
        await page.mouse.move(5, 880);
        await tooltip.waitFor({ state: 'detached' });
      }
    }
    assert.equal(await statusOf(ofType('mic-in').id).textContent(), text('mic-in.status.idle.test'));
    assert.equal(await statusOf(ofType('wav-writer').id).textContent(), text('wav-writer.status.idle'));
  });

  for (const type of OURS) {
    step(`opens the ${type} dialog with translated labels and the example's values, and shows its help`, async () => {
      const node = exampleNode(type);
      const label = text(`${type}.label.palette`);
      const imported = !ON_TAB.includes(type);
      // Placed on the tab as a touch import does (no dragging), unwired; undone below.
      if (imported) {
        const nodes = [...configNodesOf(type, node), { ...node, z: tab.id, wires: [[]] }];
        await page.evaluate(`RED.view.importNodes(${JSON.stringify(nodes)}, { touchImport: true, notify: false })`);
      }
      await onCanvas(node.id).dblclick();
      const tray = page.locator('.red-ui-tray');
      const form = tray.locator('#dialog-form');
      await form.waitFor();
      assert.equal(normalize(await tray.locator('.red-ui-tray-breadcrumbs').innerText()), `Edit ${label} node`);

      // Every translated element holds its en-US string (text, placeholder or HTML), and no raw key shows.
      const translated = await form.locator('[data-i18n]').all();
      assert.ok(translated.length >= 10, `${translated.length} translated elements`);
      for (const element of translated) {
        for (const spec of (await element.getAttribute('data-i18n'))!.split(';')) {
          // The editor prefixes each key with its catalog: "node-red-contrib-audio-capture/mic-in:mic-in.label.name".
          const [, attr, key] = /^(?:\[(\w+)\])?(?:[^:]*:)?(.+)$/.exec(spec)!;
          const want = text(key!);
          if (attr === 'placeholder' || attr === 'title') assert.equal(await element.getAttribute(attr), want, key);
          else assert.equal(normalize(await element.textContent()), normalize(attr === 'html' ? stripTags(want) : want), key);
        }
      }
      for (const labelFor of await form.locator('label[for^="node-input-"]').all()) {
        assert.notEqual(normalize(await labelFor.innerText()), '', `label for ${await labelFor.getAttribute('for')}`);
      }
      assert.doesNotMatch(await tray.innerText(), RAW_KEY);

      // The fields hold the example flow's values.
      const settings = Object.entries(node).filter(([key]) => !NOT_SETTINGS.has(key));
      assert.ok(settings.length >= 6);
      for (const [key, value] of settings) {
        const input = form.locator(`#node-input-${key}`);
        const shown = (await input.getAttribute('type')) === 'checkbox' ? String(await input.isChecked()) : await input.inputValue();
        // A config-node select with no node chosen offers "add new" (_ADD_).
        assert.equal(shown === '_ADD_' && value === '' ? '' : shown, String(value), `${type} ${key}`);
      }
      if (type === 'mic-in') {
        assert.equal(await form.locator('#node-input-sampleRate').inputValue(), '48000');
        assert.ok(await form.locator('.mic-in-sine-only').isVisible(), 'the frequency row shows for a sine');
      }

      // The help sidebar shows the node's help with its sections.
      await page.locator('#red-ui-tab-help-link-button').click();
      const help = page.locator('#red-ui-sidebar-content .red-ui-help').filter({
        has: page.locator('h1.red-ui-help-title', { hasText: exactly(label) }),
      });
      await help.waitFor();
      assert.deepEqual((await help.locator('h3').allInnerTexts()).map(normalize), ['Inputs', 'Outputs', 'Details']);
      assert.ok((await help.locator('dl.message-properties dt').count()) >= 3, 'message properties listed');
      assert.doesNotMatch(await help.innerText(), RAW_KEY);

      await tray.locator('#node-dialog-cancel').click();
      await tray.waitFor({ state: 'detached' });
      if (imported) {
        await page.evaluate(`RED.actions.invoke('core:undo')`);
        await onCanvas(node.id).waitFor({ state: 'detached' });
      }
      assert.match((await page.locator('#red-ui-header-button-deploy').getAttribute('class')) ?? '', /\bdisabled\b/, 'nothing to deploy after Cancel');
    });
  }

  step('opens mic-in with the Pico source, and from it the pico-device dialog with the serial ports and the deploy button', async () => {
    const example = JSON.parse(readFileSync(join(root, 'examples/record-from-pico.json'), 'utf8')) as FlowNode[];
    const mic = example.find((n) => n.type === 'mic-in')!;
    const device = example.find((n) => n.type === 'pico-device')!;
    await page.evaluate(`RED.view.importNodes(${JSON.stringify([device, { ...mic, z: tab.id, wires: [[]] }])}, { touchImport: true, notify: false })`);
    await onCanvas(mic.id).dblclick();
    const form = page.locator('.red-ui-tray #dialog-form');
    await form.waitFor();
    assert.equal(await form.locator('#node-input-source').inputValue(), 'pico');
    assert.equal(await form.locator('#node-input-pico').inputValue(), device.id);
    assert.ok(await form.locator('.mic-in-pico-only').first().isVisible(), 'the Pico row shows');
    assert.ok(!(await form.locator('#node-input-channels').isVisible()), 'a Pico has no channel setting');
    assert.ok(!(await form.locator('#node-input-device').isVisible()), 'nor an ALSA device');
    assert.equal(normalize(await form.locator('.form-tips.mic-in-pico-only').textContent()), text('mic-in.tips.pico'));

    await form.locator('#node-input-btn-pico-edit').click();
    const config = page.locator('#node-config-dialog-edit-form');
    await config.waitFor();
    assert.equal(await config.locator('#node-config-input-port').inputValue(), device.port);
    assert.equal(await config.locator('#node-config-input-baud').inputValue(), String(device.baud));
    assert.equal(await config.locator('#node-config-input-firmware').inputValue(), device.firmware);
    for (const element of await config.locator('[data-i18n]').all()) {
      const [, attr, key] = /^(?:\[(\w+)\])?(?:[^:]*:)?(.+)$/.exec((await element.getAttribute('data-i18n'))!)!;
      if (attr === 'placeholder' || attr === 'title') assert.equal(await element.getAttribute(attr), text(key!), key);
      else if (key !== 'pico-device.deploy.hint') assert.equal(normalize(await element.textContent()), text(key!), key);
    }
    // The port list came from GET pico-device/ports (with what it could not ask, where udev is missing).
    await config.locator('#pico-device-port-tip', { hasText: /serial ports found/ }).waitFor();
    assert.equal(normalize(await config.locator('#pico-device-deploy').innerText()), text('pico-device.label.deploy'));
    assert.doesNotMatch(await page.locator('.red-ui-tray').last().innerText(), RAW_KEY);

    await page.locator('#node-config-dialog-cancel').click();
    await config.waitFor({ state: 'detached' });
    await page.locator('#node-dialog-cancel').click();
    await form.waitFor({ state: 'detached' });
    await page.evaluate(`RED.actions.invoke('core:undo')`);
    await onCanvas(mic.id).waitFor({ state: 'detached' });
    assert.match((await page.locator('#red-ui-header-button-deploy').getAttribute('class')) ?? '', /\bdisabled\b/, 'nothing to deploy after Cancel');
  });

  step('records from the editor: start button, elapsed time in the status, stop button, WAV file, debug message', async (t) => {
    const mic = ofType('mic-in');
    const writer = ofType('wav-writer');
    const start = injectNamed('start');
    const stop = injectNamed('stop');
    const debugNode = ofType('debug');
    const messages = page.locator('#red-ui-sidebar-content .red-ui-debug-msg');

    await page.locator('#red-ui-tab-debug-link-button').click();
    assert.equal(await messages.count(), 0);
    assert.deepEqual(await wavs(), []);

    const started = Date.now();
    await onCanvas(start.id).locator('.red-ui-flow-node-button').click();
    await page.locator('.red-ui-notification', { hasText: `Successfully injected: ${start.name}` }).waitFor();
    // The status under mic-in turns from idle to the time recorded ("0:01 -15 dB test").
    await onCanvas(mic.id).locator('.red-ui-flow-node-status-label', { hasText: /^0:0[1-9]\b/ }).waitFor();
    assert.match((await onCanvas(mic.id).locator('rect.red-ui-flow-node-status').getAttribute('class')) ?? '', /status-dot-blue/);
    assert.match((await statusOf(writer.id).textContent()) ?? '', /^\d+:\d\d \d+(\.\d+)? [kMG]B$/);

    const screenshot = join(dir, 'editor-recording.png');
    await page.screenshot({ path: screenshot });
    assert.equal((await readFile(screenshot)).subarray(1, 4).toString(), 'PNG');
    t.diagnostic(`screenshot while recording: ${screenshot}`);

    await onCanvas(stop.id).locator('.red-ui-flow-node-button').click();
    const stopped = Date.now();
    await onCanvas(mic.id).locator('.red-ui-flow-node-status-label', { hasText: exactly(text('mic-in.status.idle.test')) }).waitFor();
    await onCanvas(writer.id).locator('.red-ui-flow-node-status-label', { hasText: exactly(text('wav-writer.status.idle')) }).waitFor();

    const [file] = await poll(5000, `a WAV file in ${recordings}`, async () => ((await wavs()).length > 0 ? wavs() : undefined));
    const path = join(recordings, file!);
    assert.deepEqual(await wavs(), [file]);
    const head = (await readFile(path)).subarray(0, 12);
    assert.deepEqual([head.subarray(0, 4).toString(), head.subarray(8, 12).toString()], ['RIFF', 'WAVE']);

    // The debug sidebar shows the finished recording; expanded, its fields match the file.
    await messages.first().waitFor();
    assert.equal(await messages.count(), 1);
    const message = messages.first();
    assert.equal(normalize(await message.locator('.red-ui-debug-msg-name').innerText()), `node: ${debugNode.name}`);
    assert.equal(normalize(await message.locator('.red-ui-debug-msg-topic').innerText()), 'msg.recording : Object');
    await message.locator('.red-ui-debug-msg-object-handle').first().click();
    await message.locator('.red-ui-debug-msg-object-entry').first().waitFor();
    const fields = Object.fromEntries(
      (await message.innerText()).split('\n').flatMap((line) => {
        const match = /^\s*(\w+): (.*)$/.exec(line);
        return match ? [[match[1]!, match[2]!.trim()]] : [];
      }),
    );
    assert.equal(fields.reason, '"stop"');
    assert.equal(fields.path, JSON.stringify(path));
    assert.equal(fields.container, '"wav"');
    assert.equal(Number(fields.bytes), (await stat(path)).size, 'bytes is the file size');
    const seconds = Number(fields.durationMs) / 1000;
    assert.ok(seconds >= 1 && seconds <= (stopped - started) / 1000 + 0.5, `${seconds} s recorded between clicks ${(stopped - started) / 1000} s apart`);
  });

  step('raised no script errors in the editor and got no failed responses from Node-RED', async (t) => {
    t.diagnostic(`first-run popovers dismissed: ${popovers.join(' | ') || 'none'}`);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(
      [...responses].filter(([, status]) => status >= 400),
      [],
    );
  });
});
