import assert from 'node:assert/strict';
import { symlinkSync, unlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { ButtonEvent, GpioButtonWatcher, GpioButtonWatcherOptions, WatcherState } from '../../src/lib/gpio/button-watcher';
import { gpiomonArgs } from '../../src/lib/gpio/gpiomon-args';
import { BOUNCY_PRESSES, GpiomonStandIn, processExists, SCRIPT_BASE_MS, scriptedEdge, STAND_IN_DIRECTORY } from '../support/gpiomon-harness';
import { sleep, waitFor } from '../support/wait';

/** The kernel timestamp of a script's edge at `ms` (see SCRIPT_BASE_MS: `at` can be checked exactly). */
function timestampNs(ms: number): bigint {
  return SCRIPT_BASE_MS * 1_000_000n + BigInt(Math.round(ms * 1e6));
}

const OPTIONS: GpioButtonWatcherOptions = {
  chip: 'gpiochip0',
  line: 17,
  bias: 'pull-up',
  activeLow: true,
  debounceMs: 25,
  longPressMs: 1000,
  retry: { initialMs: 20, maxMs: 80 },
};

interface Setup {
  standIn: GpiomonStandIn;
  watcher: GpioButtonWatcher;
  gestures: ButtonEvent[];
  states: WatcherState[];
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(version: '1' | '2', script: string[], options: Partial<GpioButtonWatcherOptions> = {}): Promise<Setup> {
  const standIn = await GpiomonStandIn.install(version, script);
  cleanups.push(() => standIn.remove());
  const watcher = new GpioButtonWatcher({ ...OPTIONS, ...options });
  cleanups.push(() => watcher.close());
  const gestures: ButtonEvent[] = [];
  const states: WatcherState[] = [];
  watcher.on('gesture', (event) => gestures.push(event));
  watcher.on('state', (state) => states.push(state));
  return { standIn, watcher, gestures, states };
}

const stateNames = (states: WatcherState[]) => states.map((s) => s.state);

// The long press at 3000 comes to light with the release at 3500.
const BOUNCY_SESSION = [
  ...BOUNCY_PRESSES,
  scriptedEdge('4080', 'rising'),
  'wait 30',
  // Two presses 250 ms apart; the second's release is the last edge: only the deadline timer confirms it.
  scriptedEdge('5000', 'falling'), scriptedEdge('5000.7', 'rising'), scriptedEdge('5001.5', 'falling'),
  'wait 30',
  scriptedEdge('5100', 'rising'),
  'wait 30',
  scriptedEdge('5250', 'falling'),
  'wait 30',
  scriptedEdge('5330', 'rising'), scriptedEdge('5331', 'falling'), scriptedEdge('5332.5', 'rising'),
];

const EXPECTED_GESTURES: [string, number][] = [
  ['press', 1000], ['release', 1300],
  ['press', 2000], ['long-press', 3000], ['release', 3500],
  ['press', 4000], ['release', 4080],
  ['press', 5000], ['release', 5100], ['press', 5250], ['double-press', 5250], ['release', 5330],
];

for (const version of ['1', '2'] as const) {
  describe(`GpioButtonWatcher on gpiomon ${version}.x`, () => {
    it('turns a bouncy session into exactly the expected gestures, on the scripted timestamps', async () => {
      const { standIn, watcher, gestures, states } = await setup(version, BOUNCY_SESSION, { doublePressMs: 400 });
      watcher.start();
      await waitFor(() => (gestures.length >= EXPECTED_GESTURES.length ? true : undefined), 'every gesture');
      // Nothing more comes: the last release was confirmed once, by its deadline.
      await sleep(80);
      assert.deepEqual(
        gestures.map((g) => [g.event, g.timestampNs]),
        EXPECTED_GESTURES.map(([event, ms]) => [event, timestampNs(ms)]),
      );
      assert.ok(gestures.every((g) => g.chip === 'gpiochip0' && g.line === 17));
      // `at`: the first event's arrival on the wall clock, then exactly the timestamps' spacing.
      const first = Date.parse(gestures[0]!.at);
      assert.ok(Math.abs(first - Date.now()) < 5000, `${gestures[0]!.at} is about now`);
      assert.deepEqual(
        gestures.map((g) => Date.parse(g.at) - first),
        EXPECTED_GESTURES.map(([, ms]) => ms - 1000),
      );
      assert.deepEqual(states[0], { state: 'watching', gpiomon: version === '1' ? '1.6.3' : '2.1.3' });
      const calls = await standIn.calls();
      assert.deepEqual(
        calls.map((call) => [call.kind, call.argv]),
        [
          ['version', ['--version']],
          ['monitor', gpiomonArgs(Number(version) as 1 | 2, OPTIONS)],
        ],
      );
      assert.ok(calls[1]!.argv.includes('--active-low'));
      assert.ok(calls[1]!.argv.includes('pull-up'));
      // close(): gpiomon ends on SIGTERM (1.x exits, 2.x is killed by it) and nothing restarts it.
      const pid = watcher.pid;
      assert.ok(pid !== undefined && processExists(pid));
      await watcher.close();
      assert.equal(processExists(pid), false);
      assert.equal(watcher.pid, undefined);
      assert.deepEqual(stateNames(states), ['watching', 'stopped']);
    });

    it('reports each way gpiomon ends, restarts it with growing waits, and recovers', async () => {
      const { standIn, watcher, gestures, states } = await setup(version, [
        'run 1', 'wait 10', 'exit 3',
        'run 2', 'fail busy',
        'run 3', scriptedEdge('9000', 'falling'), 'wait 30', scriptedEdge('9100', 'rising'),
      ]);
      watcher.start();
      await waitFor(() => (gestures.length === 2 ? true : undefined), 'the press and release of the third run');
      const failures = states.filter((s) => s.state === 'failed');
      assert.deepEqual(
        failures.map((f) => [f.error.kind, f.error.message, f.retryInMs]),
        [
          ['exited', 'gpiomon ended (exit code 3)', 20],
          ['line-busy', 'GPIO line 17 on gpiochip0 is busy: another program or a kernel driver holds it', 40],
        ],
      );
      assert.equal(states.at(-1)?.state, 'watching');
      assert.equal((await standIn.monitorCalls()).length, 3);
      assert.deepEqual(
        gestures.map((g) => [g.event, g.timestampNs]),
        [['press', timestampNs(9000)], ['release', timestampNs(9100)]],
      );
      // The version was asked once.
      assert.equal((await standIn.calls()).filter((call) => call.kind === 'version').length, 1);
      await watcher.close();
      await sleep(100);
      assert.equal((await standIn.monitorCalls()).length, 3, 'no restart after close()');
    });
  });
}

describe('GpioButtonWatcher across an upgrade of gpiomon from 1.x to 2.x', () => {
  it('asks the version anew when gpiomon rejects its arguments, and watches again', async () => {
    const { standIn, watcher, gestures, states } = await setup('1', ['run 1', 'exit 3', 'run 2', scriptedEdge('7000', 'falling'), 'wait 30', scriptedEdge('7100', 'rising')]);
    // The upgrade lands while the first gpiomon is gone.
    watcher.once('state', () => (process.env.GPIOMON_STAND_IN_VERSION = '2'));
    watcher.start();
    await waitFor(() => (gestures.length === 2 ? true : undefined), 'the press and release under 2.x');
    const failures = states.filter((s) => s.state === 'failed');
    assert.deepEqual(failures.map((f) => f.error.kind), ['exited', 'bad-arguments']);
    assert.deepEqual(states.at(-1), { state: 'watching', gpiomon: '2.1.3' });
    const calls = await standIn.calls();
    assert.deepEqual(
      calls.map((call) => call.kind),
      ['version', 'monitor', 'rejected', 'version', 'monitor'],
    );
    assert.deepEqual(calls[2]!.argv, gpiomonArgs(1, OPTIONS));
    assert.deepEqual(calls[4]!.argv, gpiomonArgs(2, OPTIONS));
  });
});

describe('GpioButtonWatcher on a silent gpiomon 1.x', () => {
  it('is watching once gpiomon has held the line 300 ms without a word', async () => {
    const { standIn, watcher, states } = await setup('1', []);
    watcher.start();
    await waitFor(async () => ((await standIn.monitorCalls()).length === 1 ? true : undefined), 'gpiomon to start');
    assert.deepEqual(states, [], 'not at once: 1.x says nothing when it gets the line, and fails within moments when it cannot');
    await waitFor(() => states[0], 'watching');
    assert.deepEqual(states, [{ state: 'watching', gpiomon: '1.6.3' }]);
  });
});

describe('GpioButtonWatcher when gpiomon goes away', () => {
  it('says to install gpiod, and asks the version anew of the gpiomon that comes back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'vanishing-gpiomon-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const command = join(directory, 'gpiomon');
    const install = () => symlinkSync(join(STAND_IN_DIRECTORY, 'gpiomon'), command);
    install();
    const script = ['run 1', 'exit 3', 'run 2', scriptedEdge('8000', 'falling'), 'wait 30', scriptedEdge('8100', 'rising')];
    const { standIn, watcher, gestures, states } = await setup('2', script, { command });
    // Uninstalled once the first run has ended; back after the next attempt found it gone.
    watcher.on('state', (state) => {
      if (state.state !== 'failed') return;
      if (state.error.kind === 'exited') unlinkSync(command);
      else install();
    });
    watcher.start();
    await waitFor(() => (gestures.length === 2 ? true : undefined), 'the press and release of the gpiomon back again');
    const failures = states.filter((s) => s.state === 'failed');
    assert.deepEqual(
      failures.map((f) => [f.error.kind, f.error.message, f.retryInMs]),
      [
        ['exited', 'gpiomon ended (exit code 3)', 20],
        ['command-missing', 'gpiomon not found: install the gpiod package (sudo apt install gpiod)', 40],
      ],
    );
    assert.deepEqual(states.at(-1), { state: 'watching', gpiomon: '2.1.3' });
    assert.deepEqual((await standIn.calls()).map((call) => call.kind), ['version', 'monitor', 'version', 'monitor']);
  });
});

describe('GpioButtonWatcher without gpiomon', () => {
  it('says to install gpiod, retries, and stops retrying at close()', async () => {
    const watcher = new GpioButtonWatcher({ ...OPTIONS, command: '/nonexistent/gpiomon' });
    const states: WatcherState[] = [];
    watcher.on('state', (state) => states.push(state));
    watcher.start();
    await waitFor(() => (states.length >= 2 ? true : undefined), 'two failures');
    await watcher.close();
    const count = states.length;
    await sleep(150);
    assert.equal(states.length, count, 'nothing after close()');
    const failures = states.filter((s) => s.state === 'failed');
    assert.ok(failures.length >= 2);
    for (const failure of failures) {
      assert.equal(failure.error.kind, 'command-missing');
      assert.equal(failure.error.message, 'gpiomon not found: install the gpiod package (sudo apt install gpiod)');
    }
    assert.deepEqual(failures.slice(0, 2).map((f) => f.retryInMs), [20, 40]);
    assert.equal(states.at(-1)?.state, 'stopped');
  });
});

describe('GpioButtonWatcher.close()', () => {
  it('leaves no timer, child or pipe behind, whenever it comes; SIGKILL ends a gpiomon deaf to SIGTERM', async () => {
    const script = ['ignore-sigterm', scriptedEdge('1000', 'falling'), 'wait 20', scriptedEdge('1001', 'rising'), scriptedEdge('1002', 'falling')];
    const standIn = await GpiomonStandIn.install('2', script);
    try {
      const baseline = activeResources();
      // While the version is being asked.
      const early = new GpioButtonWatcher(OPTIONS);
      early.start();
      await early.close();
      // While a debounce deadline and a long press are pending, and gpiomon ignores SIGTERM.
      const busy = new GpioButtonWatcher({ ...OPTIONS, stopGraceMs: 100 });
      const gestures: ButtonEvent[] = [];
      busy.on('gesture', (g) => gestures.push(g));
      busy.start();
      await waitFor(() => (gestures.length === 1 ? true : undefined), 'the press');
      const pid = busy.pid;
      assert.ok(pid !== undefined && processExists(pid));
      const closing = Date.now();
      await busy.close();
      assert.ok(Date.now() - closing >= 90, 'SIGKILL came after the grace');
      assert.equal(processExists(pid), false);
      // While waiting to retry.
      const failing = new GpioButtonWatcher({ ...OPTIONS, command: '/nonexistent/gpiomon', retry: { initialMs: 60_000, maxMs: 60_000 } });
      const failed = new Promise((resolve) => failing.once('state', resolve));
      failing.start();
      await failed;
      await failing.close();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(activeResources(), baseline);
    } finally {
      await standIn.remove();
    }
  });
});

/** Timers, child processes and pipes this process holds, by kind (file requests of the test's own come and go). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = { Timeout: 0, ProcessWrap: 0, PipeWrap: 0 };
  for (const kind of process.getActiveResourcesInfo()) if (kind in counts) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
