import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, NodeMessage } from 'node-red';
import { afterEach, describe, it } from 'node:test';
import { ButtonInfo } from '../../src/lib/contract/button';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { PICO_TICKS_PERIOD_MS } from '../../src/lib/gpio/tick-unwrapper';
import { shortError } from '../../src/nodes/shared/status-text';
import { fakePicoDeviceNode, fakePicoDevices } from '../support/fake-pico-device';
import { BOUNCY_PRESSES, GpiomonStandIn, processExists, scriptedEdge } from '../support/gpiomon-harness';
import { buttonTriggerNode, FlowNode, helper, MessageLog, micInNode, picoDeviceNode, statusCalls, TestNode, wavWriterNode } from '../support/node-red';
import { startPicoSimulation } from '../support/pico-sim/index';
import { soxInfo } from '../support/wav-readers';
import { sleep, waitFor } from '../support/wait';

type ButtonMsg = NodeMessage & { payload: string | null; button: ButtonInfo };
type ErrorMsg = NodeMessage & { error: { message: string } };
type FinishedMsg = NodeMessage & { payload: string; recording: RecordingInfo };

/**
 * A button-trigger node as the editor saves it, wired to a helper node `<id>-out`. Ids must
 * differ from every property value: Node-RED takes a value that is a node's id for a reference.
 */
function buttonNode(id: string, props: Record<string, unknown> = {}): FlowNode[] {
  return [
    {
      id, z: 'f1', type: 'button-trigger', name: '', source: 'gpio', chip: 'gpiochip0', line: 17, bias: 'pull-up', activeLow: true,
      debounceMs: 25, pico: '', mode: 'toggle', longPressMs: 1000, longPressAction: 'none', doublePress: false, doublePressMs: 400,
      doublePressAction: 'none', everyEvent: false, topic: 'button', wires: [[`${id}-out`]], ...props,
    },
    { id: `${id}-out`, z: 'f1', type: 'helper' },
  ];
}

const CATCH: FlowNode[] = [
  { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['errors']] },
  { id: 'errors', z: 'f1', type: 'helper' },
];

async function load(nodes: FlowNode[], modules: Parameters<typeof helper.load>[0] = [buttonTriggerNode]) {
  await helper.load(modules, [{ id: 'f1', type: 'tab' }, ...nodes, ...CATCH]);
  return { errors: new MessageLog<ErrorMsg>(helper.getNode('errors')) };
}

const outputOf = (id: string) => new MessageLog<ButtonMsg>(helper.getNode(`${id}-out`));

/** The status texts a node has shown so far. */
function statusTexts(node: Node): string[] {
  return statusCalls(node).map((status) => String(status.text));
}

function errorCalls(node: Node): string[] {
  const spy = node.error as unknown as { getCalls(): { thisValue: unknown; args: [unknown] }[] };
  return spy.getCalls().filter((call) => call.thisValue === node).map((call) => String(call.args[0]));
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await helper.unload();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standIn(version: '1' | '2', script: string[]): Promise<GpiomonStandIn> {
  const installed = await GpiomonStandIn.install(version, script);
  cleanups.push(() => installed.remove());
  return installed;
}

const SESSION = [
  ...BOUNCY_PRESSES,
  // The last release: only the debounce deadline confirms it.
  scriptedEdge('4080', 'rising'), scriptedEdge('4081', 'falling'), scriptedEdge('4082.5', 'rising'),
];

/** Per node of the flow: its settings, and the [payload, gesture, ms] it must send for SESSION, nothing more. */
const EXPECTED: Record<string, { props: Record<string, unknown>; messages: [string | null, string, number][] }> = {
  toggle: {
    props: { mode: 'toggle', longPressAction: 'stop', topic: 'doorbell' },
    messages: [['toggle', 'press', 1000], ['toggle', 'press', 2000], ['stop', 'long-press', 3000], ['toggle', 'press', 4000]],
  },
  hold: {
    props: { mode: 'hold' },
    messages: [['start', 'press', 1000], ['stop', 'release', 1300], ['start', 'press', 2000], ['stop', 'release', 3500], ['start', 'press', 4000], ['stop', 'release', 4080]],
  },
  startOnly: { props: { mode: 'start-only' }, messages: [['start', 'press', 1000], ['start', 'press', 2000], ['start', 'press', 4000]] },
  stopOnly: { props: { mode: 'stop-only' }, messages: [['stop', 'press', 1000], ['stop', 'press', 2000], ['stop', 'press', 4000]] },
  every: {
    props: { mode: 'toggle', everyEvent: true },
    messages: [
      ['toggle', 'press', 1000], [null, 'release', 1300], ['toggle', 'press', 2000], [null, 'long-press', 3000],
      [null, 'release', 3500], ['toggle', 'press', 4000], [null, 'release', 4080],
    ],
  },
};

describe('button-trigger node on a GPIO button', () => {
  for (const version of ['1', '2'] as const) {
    it(`sends exactly the commands of each mode for bouncy presses and a long press (gpiomon ${version}.x)`, async () => {
      const gpiomon = await standIn(version, SESSION);
      const ids = Object.keys(EXPECTED);
      const { errors } = await load(ids.flatMap((id) => buttonNode(`bt-${id}`, EXPECTED[id]!.props)));
      const outputs = Object.fromEntries(ids.map((id) => [id, outputOf(`bt-${id}`)]));
      for (const id of ids) {
        await waitFor(() => (outputs[id]!.messages.length >= EXPECTED[id]!.messages.length ? true : undefined), `${id}'s messages`, 5000);
      }
      // Nothing more comes: the last release was confirmed once, by its deadline.
      await sleep(80);
      for (const id of ids) {
        const messages = outputs[id]!.messages;
        assert.deepEqual(
          messages.map((m) => [m.payload, m.button.event, Date.parse(m.button.at) - Date.parse(messages[0]!.button.at) + 1000]),
          EXPECTED[id]!.messages,
          `${id}: payload, gesture, and its time on the scripted timeline`,
        );
        for (const m of messages) {
          assert.deepEqual(Object.keys(m.button).sort(), ['at', 'chip', 'event', 'line', 'source']);
          assert.deepEqual([m.button.source, 'chip' in m.button && m.button.chip, 'line' in m.button && m.button.line], ['gpio', 'gpiochip0', 17]);
          assert.equal(m.topic, id === 'toggle' ? 'doorbell' : 'button');
        }
        assert.doesNotThrow(() => JSON.stringify(messages), 'no bigint in a message');
        const statuses = statusTexts(helper.getNode(`bt-${id}`));
        assert.ok(statuses.includes('button-trigger.status.watching'), `${id}: ${statuses.join(', ')}`);
        assert.ok(statuses.includes('button-trigger.status.pressed'));
        assert.equal(statuses.at(-1), 'button-trigger.status.watching', 'back to watching after the release');
      }
      assert.equal((await gpiomon.monitorCalls()).length, ids.length, 'one gpiomon per node, none restarted');
      assert.deepEqual(errors.messages, []);
    });
  }

  it('says to install gpiod when gpiomon is missing, tells Catch once, and watches once it is installed', async () => {
    // A PATH with node (the stand-in runs on it) and no gpiomon.
    const empty = await mkdtemp(join(tmpdir(), 'no-gpiomon-'));
    await symlink(process.execPath, join(empty, 'node'));
    const path = process.env.PATH;
    cleanups.push(async () => {
      process.env.PATH = path;
      await rm(empty, { recursive: true, force: true });
    });
    process.env.PATH = empty;
    const { errors } = await load(buttonNode('bt1', { mode: 'hold' }));
    const button = helper.getNode('bt1');
    const caught = await errors.next();
    assert.equal(caught.error.message, 'gpiomon not found: install the gpiod package (sudo apt install gpiod)');
    // Tried again after 0.5 s and failed the same way: shown, not reported again.
    await waitFor(() => (statusTexts(button).filter((s) => s === 'button-trigger.status.gpiomonMissing').length >= 2 ? true : undefined), 'the retry', 3000);
    // gpiod installed meanwhile: the next retry (1 s later) finds it.
    await standIn('2', [scriptedEdge('1000', 'falling'), 'wait 30', scriptedEdge('1100', 'rising')]);
    const out = outputOf('bt1');
    await out.next((m) => m.payload === 'stop', 4000);
    assert.deepEqual(out.messages.map((m) => m.payload), ['start', 'stop']);
    assert.ok(statusTexts(button).includes('button-trigger.status.watching'));
    assert.equal(errors.messages.length, 1, 'one error for the whole outage');
  });

  it('restarts a gpiomon that dies, after telling Catch why', async () => {
    const gpiomon = await standIn('2', ['run 2', scriptedEdge('9000', 'falling'), 'wait 30', scriptedEdge('9100', 'rising')]);
    const { errors } = await load(buttonNode('bt1', { mode: 'hold' }));
    const button = helper.getNode('bt1');
    await waitFor(() => (statusTexts(button).includes('button-trigger.status.watching') ? true : undefined), 'watching');
    const [first] = await gpiomon.monitorCalls();
    process.kill(first!.pid, 'SIGKILL');
    const caught = await errors.next();
    assert.equal(caught.error.message, 'gpiomon ended (killed by SIGKILL)');
    assert.ok(statusTexts(button).includes('button-trigger.status.retrying'), 'the status says it will try again');
    const out = outputOf('bt1');
    await out.next((m) => m.payload === 'stop');
    assert.deepEqual(out.messages.map((m) => [m.payload, m.button.event]), [['start', 'press'], ['stop', 'release']]);
    assert.equal((await gpiomon.monitorCalls()).length, 2);
    assert.equal(statusTexts(button).at(-1), 'button-trigger.status.watching');
  });

  it('leaves no gpiomon running after a redeploy or a close', async () => {
    const gpiomon = await standIn('1', []);
    await load(buttonNode('bt1'));
    const [first] = await waitFor(async () => {
      const calls = await gpiomon.monitorCalls();
      return calls.length === 1 ? calls : undefined;
    }, 'gpiomon to start');
    assert.ok(processExists(first!.pid));
    await helper.setFlows([{ id: 'f1', type: 'tab' }, ...buttonNode('bt1', { line: 18 }), ...CATCH], 'full');
    assert.equal(processExists(first!.pid), false, 'the old gpiomon is gone once the redeploy is done');
    const second = await waitFor(async () => (await gpiomon.monitorCalls())[1], 'the new gpiomon');
    assert.equal(second.argv.at(-1), '18');
    assert.ok(processExists(second.pid));
    await helper.unload();
    assert.equal(processExists(second.pid), false, 'gone once the node is closed');
  });

  it('refuses a bad configuration with a clear error, and starts no gpiomon', async () => {
    const gpiomon = await standIn('2', []);
    // A node of another type, made before the button-trigger that names it as its Pico.
    const notAPico: FlowNode = { id: 'not-a-pico', z: 'f1', type: 'helper' };
    const cases: [Record<string, unknown>, RegExp, FlowNode[]?][] = [
      [{ line: '' }, /GPIO line is missing/],
      [{ line: 'x' }, /GPIO line must be a number from 0 to 65535, got x/],
      [{ line: 1.5 }, /not a GPIO line offset: 1.5/],
      [{ chip: '-x' }, /not a GPIO chip: "-x"/],
      [{ bias: 'up' }, /bias must be one of as-is, pull-up, pull-down, disable, got up/],
      [{ mode: 'sometimes' }, /mode must be one of toggle, hold, start-only, stop-only, got sometimes/],
      [{ longPressMs: 10 }, /long-press time must be a number from 50 to 60000/],
      [{ doublePress: true, doublePressAction: 'record' }, /a double press must send one of none, start, stop, toggle, got record/],
      [{ source: 'pico' }, /no Pico chosen/],
      [{ source: 'pico', pico: 'a1c0de00000003ff' }, /the Pico chosen \(a1c0de00000003ff\) is not deployed/],
      [{ source: 'pico', pico: notAPico.id }, /the Pico chosen \(not-a-pico\) offers no button: it is not a pico-device/, [notAPico]],
    ];
    for (const [props, expected, before = []] of cases) {
      const { errors } = await load([...before, ...buttonNode('bt1', props)]);
      const button = helper.getNode('bt1') as TestNode;
      const [logged = ''] = errorCalls(button);
      assert.match(logged, new RegExp(`^button-trigger.errors.config: ${expected.source}`));
      assert.deepEqual(statusTexts(button), [shortError(logged.replace('button-trigger.errors.config: ', ''))], 'the reason, in red');
      button.receive({ payload: 'press' });
      assert.match((await errors.next()).error.message, expected);
      await helper.unload();
    }
    assert.deepEqual(await gpiomon.monitorCalls(), []);
  });
});

describe('button-trigger node input (a simulated button)', () => {
  it('runs press and release messages through the same mode and long press, and rejects anything else', async () => {
    await standIn('2', []);
    const { errors } = await load(buttonNode('bt1', { mode: 'toggle', longPressMs: 100, longPressAction: 'stop' }));
    const button = helper.getNode('bt1') as TestNode;
    const out = outputOf('bt1');
    button.receive({ payload: 'press' });
    await out.next((m) => m.payload === 'toggle');
    assert.equal(statusTexts(button).at(-1), 'button-trigger.status.pressed');
    const long = await out.next((m) => m.button.event === 'long-press', 1000);
    button.receive({ payload: false });
    await waitFor(() => (statusTexts(button).at(-1) === 'button-trigger.status.watching' ? true : undefined), 'watching again');
    assert.equal(long.payload, 'stop');
    assert.deepEqual(out.messages.map((m) => [m.payload, m.button.event, m.button.source]), [['toggle', 'press', 'input'], ['stop', 'long-press', 'input']]);
    assert.deepEqual(Object.keys(out.messages[0]!.button).sort(), ['at', 'event', 'source']);
    const held = Date.parse(long.button.at) - Date.parse(out.messages[0]!.button.at);
    assert.ok(held >= 99 && held <= 101, `long press dated ${held} ms after the press`);

    button.receive({ payload: 'start' });
    assert.match((await errors.next()).error.message, /expected "press", "release", true or false in msg.payload, got "start"/);
    assert.equal(out.messages.length, 2);
  });
});

describe('button-trigger node on a Pico button (a stand-in pico-device config node)', () => {
  it("turns the Pico's edges into commands on its ticks across their wrap, and follows its connection", async () => {
    const WRAP = PICO_TICKS_PERIOD_MS;
    const { errors } = await load(
      [
        { id: 'pico1', type: 'pico-device' },
        ...buttonNode('bt1', {
          source: 'pico', pico: 'pico1', mode: 'start-only', longPressMs: 150, longPressAction: 'toggle', doublePress: true, doublePressMs: 400, doublePressAction: 'stop',
        }),
      ],
      [buttonTriggerNode, fakePicoDeviceNode],
    );
    const button = helper.getNode('bt1');
    const pico = fakePicoDevices.get('pico1')!;
    const out = outputOf('bt1');
    assert.deepEqual(statusTexts(button), ['button-trigger.status.picoWaiting']);
    pico.status('connected');
    assert.equal(statusTexts(button).at(-1), 'button-trigger.status.watching');

    pico.edge(true, WRAP - 300);
    pico.edge(false, WRAP - 250);
    pico.edge(true, WRAP - 100);
    // 200 ms of the Pico's time later, across the wrap of ticks_ms: held past the long-press time.
    pico.edge(false, 100);
    await waitFor(() => (out.messages.length >= 4 ? true : undefined), 'the messages');
    await sleep(30);
    assert.deepEqual(
      out.messages.map((m) => [m.payload, m.button.event]),
      [['start', 'press'], ['start', 'press'], ['stop', 'double-press'], ['toggle', 'long-press']],
    );
    for (const m of out.messages) assert.deepEqual([m.button.source, 'line' in m.button && m.button.line, Object.keys(m.button).length], ['pico', 15, 4]);
    // The second press and the release arrived together; the long press is dated by its distance on the ticks from the release.
    const [, secondPress, , longPress] = out.messages.map((m) => Date.parse(m.button.at));
    const gap = longPress! - secondPress!;
    assert.ok(gap >= -52 && gap <= -48, `the long press is dated 50 ms before the release that revealed it, got ${gap} ms from the press that came with it`);

    pico.status('error', 'cannot open /dev/ttyACM0');
    pico.status('error', 'cannot open /dev/ttyACM0');
    assert.equal(statusTexts(button).at(-1), 'cannot open /dev/ttyACM0');
    pico.status('connecting');
    assert.equal(statusTexts(button).at(-1), 'button-trigger.status.picoWaiting');
    pico.status('connected');
    pico.status('error', 'device reports an error');
    await waitFor(() => (errors.messages.length === 2 ? true : undefined), 'two errors');
    await sleep(30);
    assert.deepEqual(
      errors.messages.map((m) => m.error.message),
      ['button-trigger.errors.pico: cannot open /dev/ttyACM0', 'button-trigger.errors.pico: device reports an error'],
      'once per failure until connected again',
    );
    assert.equal(pico.listeners, 2);
    await helper.unload();
    assert.equal(pico.listeners, 0, 'unsubscribed on close');
  });
});

describe('button-trigger node on the button of a simulated Pico, through pico-device', () => {
  it('sends start at the press and stop at the release, with the long press between them on the Pico\'s ticks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'button-pico-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const sim = await startPicoSimulation({ dir: join(dir, 'pty'), button: 15 });
    cleanups.push(() => sim.close());
    await load(
      [
        { id: 'pico1', type: 'pico-device', port: sim.hostPath, baud: 115200, firmware: 'warn' },
        ...buttonNode('bt1', { source: 'pico', pico: 'pico1', mode: 'hold', longPressMs: 300, everyEvent: true }),
      ],
      [buttonTriggerNode, picoDeviceNode],
    );
    const button = helper.getNode('bt1');
    await waitFor(() => (statusTexts(button).at(-1) === 'button-trigger.status.watching' ? true : undefined), 'the Pico to connect', 10_000);
    const out = outputOf('bt1');
    sim.setButton(true);
    await out.next((m) => m.button.event === 'press');
    assert.equal(statusTexts(button).at(-1), 'button-trigger.status.pressed');
    await sleep(500);
    sim.setButton(false);
    await out.next((m) => m.button.event === 'release');
    assert.deepEqual(
      out.messages.map((m) => [m.payload, m.button.event, m.button.source, 'line' in m.button && m.button.line]),
      [['start', 'press', 'pico', 15], [null, 'long-press', 'pico', 15], ['stop', 'release', 'pico', 15]],
    );
    const [press, long] = out.messages.map((m) => Date.parse(m.button.at));
    assert.ok(Math.abs(long! - press! - 300) <= 20, `the long press ${long! - press!} ms after the press`);
    assert.ok(Math.abs(press! - Date.now()) < 5000);
  });
});

describe('button-trigger -> mic-in -> wav-writer in Node-RED', () => {
  /** Records with the test signal while `script` works the button; returns the finished recording. */
  async function record(props: Record<string, unknown>, script: string[]): Promise<RecordingInfo> {
    await standIn('2', script);
    const dir = await mkdtemp(join(tmpdir(), 'button-flow-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const [button] = buttonNode('bt1', props);
    await load(
      [
        { ...button!, wires: [['mic']] },
        { id: 'mic', z: 'f1', type: 'mic-in', source: 'test', sampleRate: 16000, channels: 1, sampleFormat: 'S16_LE', waveform: 'sine', frequency: 440, level: -12, chunkMs: 100, maxDuration: 0, topic: 'audio', wires: [['writer']] },
        { id: 'writer', z: 'f1', type: 'wav-writer', directory: dir, pattern: 'take-{counter}.wav', maxDuration: 0, maxSize: 0, refresh: 1, fileLimit: 'none', wires: [['writer-out']] },
        { id: 'writer-out', z: 'f1', type: 'helper' },
      ],
      [buttonTriggerNode, micInNode, wavWriterNode],
    );
    const finished = await new MessageLog<FinishedMsg>(helper.getNode('writer-out')).next(() => true, 6000);
    assert.equal((await soxInfo(finished.payload)).frames, finished.recording.frames, 'sox reads the frames the message names');
    assert.equal(finished.recording.reason, 'stop');
    return finished.recording;
  }

  it('toggle: a press starts a recording, the next one stops it; its length is the time between the presses', async (t) => {
    const recording = await record({ mode: 'toggle' }, [
      'wait 200',
      scriptedEdge('1000', 'falling'), scriptedEdge('1000.4', 'rising'), scriptedEdge('1001.2', 'falling'),
      'wait 200',
      scriptedEdge('1200', 'rising'), scriptedEdge('1201', 'falling'), scriptedEdge('1202', 'rising'),
      'wait 1300',
      scriptedEdge('2500', 'falling'), scriptedEdge('2500.5', 'rising'), scriptedEdge('2501', 'falling'),
      'wait 100',
      scriptedEdge('2600', 'rising'),
    ]);
    // The script's timestamps and its waits agree: 2500 - 1000 ms between the presses.
    const pressesApartMs = 2500 - 1000;
    const recordedMs = (recording.frames / 16000) * 1000;
    t.diagnostic(`${recordedMs} ms recorded for presses ${pressesApartMs} ms apart`);
    assert.ok(Math.abs(recordedMs - pressesApartMs) <= 100, `${recordedMs} ms recorded for presses ${pressesApartMs} ms apart (within one 100 ms chunk)`);
  });

  it('hold: held for a second, a recording of a second', async (t) => {
    const recording = await record({ mode: 'hold' }, [
      'wait 200',
      scriptedEdge('1000', 'falling'), scriptedEdge('1000.4', 'rising'), scriptedEdge('1001.2', 'falling'),
      'wait 1000',
      scriptedEdge('2000', 'rising'), scriptedEdge('2000.6', 'falling'), scriptedEdge('2001.5', 'rising'),
    ]);
    const recordedMs = (recording.frames / 16000) * 1000;
    t.diagnostic(`${recordedMs} ms recorded for a hold of 1000 ms`);
    assert.ok(Math.abs(recordedMs - 1000) <= 100, `${recordedMs} ms recorded for a hold of 1000 ms`);
  });
});
