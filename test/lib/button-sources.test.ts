import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ButtonInputError, parseButtonInput } from '../../src/lib/contract/button';
import { ArrivalClock } from '../../src/lib/gpio/arrival-clock';
import { HostClocks } from '../../src/lib/gpio/event-clock';
import { GestureKind } from '../../src/lib/gpio/gesture-classifier';
import { InputButton } from '../../src/lib/gpio/input-button';
import { PicoButtonGesture, PicoButtonWatcher, PicoWatcherState } from '../../src/lib/gpio/pico-button-watcher';
import { PICO_TICKS_PERIOD_MS, TickUnwrapper } from '../../src/lib/gpio/tick-unwrapper';
import { DatedGesture } from '../../src/lib/gpio/timed-button';
import { triggerCommand, TriggerMode } from '../../src/lib/gpio/trigger-modes';
import { FakePicoButtons } from '../support/fake-pico-device';
import { sleep, waitFor } from '../support/wait';

const ms = (value: number): bigint => BigInt(Math.round(value * 1e6));
/** A wall-clock time in ms, as exact nanoseconds (too large for ms()'s floating point). */
const wall = (value: number): bigint => BigInt(value) * 1_000_000n;
const WRAP = PICO_TICKS_PERIOD_MS;

describe('TickUnwrapper', () => {
  it("reads ticks_ms across its 2^30 wrap as MicroPython's ticks_diff does", () => {
    const ticks = new TickUnwrapper();
    assert.equal(ticks.toNs(WRAP - 300), 0n);
    assert.equal(ticks.toNs(WRAP - 1), ms(299));
    assert.equal(ticks.toNs(0), ms(300));
    assert.equal(ticks.toNs(700), ms(1000));
    // Half a period on is further than any real step: an edge out of order, time stands still.
    assert.equal(ticks.toNs(600), ms(1000));
    assert.equal(ticks.toNs(750), ms(1050));
  });

  it('wraps on any period and refuses a tick that is no number', () => {
    const ticks = new TickUnwrapper(1000);
    assert.equal(ticks.toNs(990), 0n);
    assert.equal(ticks.toNs(20), ms(30));
    assert.throws(() => ticks.toNs(Number.NaN), RangeError);
    assert.throws(() => new TickUnwrapper(1), RangeError);
  });
});

describe('ArrivalClock', () => {
  it("tells now and wall-clock times from the latest edge's arrival", () => {
    let host: HostClocks = { monotonicNs: ms(5_000), realtimeNs: wall(1_700_000_000_000) };
    const clock = new ArrivalClock(() => host);
    assert.equal(clock.nowNs(), undefined);
    clock.observe(ms(100));
    host = { monotonicNs: ms(5_040), realtimeNs: wall(1_700_000_000_040) };
    assert.equal(clock.nowNs(), ms(140));
    assert.equal(clock.toIso(ms(100)), new Date(1_700_000_000_000).toISOString());
    assert.equal(clock.toIso(ms(350)), new Date(1_700_000_000_250).toISOString());
    // The device's clock ran 2 ms slow against the host's by the next edge: dates follow the latest arrival.
    host = { monotonicNs: ms(6_002), realtimeNs: wall(1_700_000_001_002) };
    clock.observe(ms(1_100));
    assert.equal(clock.toIso(ms(1_100)), new Date(1_700_000_001_002).toISOString());
  });
});

describe('triggerCommand', () => {
  it('sends the mode for presses and releases, and the chosen command for long and double presses', () => {
    const gestures: GestureKind[] = ['press', 'release', 'long-press', 'double-press'];
    const table: Record<TriggerMode, (string | undefined)[]> = {
      toggle: ['toggle', undefined, undefined, undefined],
      hold: ['start', 'stop', undefined, undefined],
      'start-only': ['start', undefined, undefined, undefined],
      'stop-only': ['stop', undefined, undefined, undefined],
    };
    for (const [mode, expected] of Object.entries(table) as [TriggerMode, (string | undefined)[]][]) {
      assert.deepEqual(gestures.map((gesture) => triggerCommand({ mode }, gesture)), expected, mode);
    }
    assert.deepEqual(
      gestures.map((gesture) => triggerCommand({ mode: 'start-only', longPress: 'stop', doublePress: 'toggle' }, gesture)),
      ['start', undefined, 'stop', 'toggle'],
    );
  });
});

describe('parseButtonInput', () => {
  it('reads press and release, in any case, or booleans; anything else is a clear error', () => {
    assert.equal(parseButtonInput({ payload: 'press' }), true);
    assert.equal(parseButtonInput({ payload: ' Release ' }), false);
    assert.equal(parseButtonInput({ payload: true }), true);
    assert.equal(parseButtonInput({ payload: false }), false);
    assert.throws(() => parseButtonInput({ payload: 'start' }), (err: Error) => err instanceof ButtonInputError && /expected "press", "release", true or false in msg.payload, got "start"/.test(err.message));
    assert.throws(() => parseButtonInput({}), /got nothing/);
  });
});

describe('PicoButtonWatcher', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  function watch(options: { longPressMs?: number; doublePressMs?: number } = {}) {
    const pico = new FakePicoButtons();
    const watcher = new PicoButtonWatcher({ source: pico, ...options });
    closers.push(() => watcher.close());
    const gestures: PicoButtonGesture[] = [];
    const states: PicoWatcherState[] = [];
    watcher.on('gesture', (event) => gestures.push(event));
    watcher.on('state', (state) => states.push(state));
    watcher.start();
    return { pico, watcher, gestures, states };
  }

  it("classifies the Pico's edges on its own ticks, across their wrap: double and long press included", () => {
    const { pico, gestures } = watch({ longPressMs: 150, doublePressMs: 400 });
    pico.edge(true, WRAP - 300);
    pico.edge(false, WRAP - 250);
    pico.edge(true, WRAP - 100);
    // 200 ms after that press, past the 2^30 wrap: the hold was long.
    pico.edge(false, 100);
    assert.deepEqual(
      gestures.map((g) => [g.event, g.timestampNs, g.pin]),
      [
        ['press', ms(0), 15],
        ['release', ms(50), 15],
        ['press', ms(200), 15],
        ['double-press', ms(200), 15],
        ['long-press', ms(350), 15],
        ['release', ms(400), 15],
      ],
    );
    // Each edge is dated by its arrival (all came just now); the long press, known at the release,
    // by its distance on the ticks from the release: 50 ms before it.
    for (const gesture of gestures) assert.ok(Math.abs(Date.parse(gesture.at) - Date.now()) < 1000, `${gesture.event} at ${gesture.at}`);
    const release = Date.parse(gestures[5]!.at);
    assert.equal(Date.parse(gestures[4]!.at), release - 50);
  });

  it('sends a long press while the button is still held, timed from its arrival', async () => {
    const { pico, gestures } = watch({ longPressMs: 80 });
    const pressedAt = Date.now();
    pico.edge(true, 1000);
    assert.deepEqual(gestures.map((g) => g.event), ['press']);
    await waitFor(() => (gestures.length === 2 ? true : undefined), 'the long press');
    assert.ok(Date.now() - pressedAt >= 75, 'not before the long-press time');
    assert.equal(gestures[1]!.event, 'long-press');
    assert.equal(gestures[1]!.timestampNs, ms(80));
  });

  it('follows the connection, and starts over from the released level after it drops', async () => {
    const { pico, watcher, gestures, states } = watch({ longPressMs: 50 });
    pico.status('connecting', 'opening /dev/ttyACM0');
    pico.status('connected');
    pico.edge(true, 5000);
    pico.status('disconnected', 'unplugged');
    // No long press for a hold the drop ended, and the release of it is no gesture.
    await sleep(80);
    pico.status('connected');
    pico.edge(false, 20);
    pico.status('error', 'cannot open /dev/ttyACM0');
    assert.deepEqual(gestures.map((g) => g.event), ['press']);
    assert.deepEqual(states, [
      { state: 'waiting', text: 'opening /dev/ttyACM0' },
      { state: 'watching' },
      { state: 'waiting', text: 'unplugged' },
      { state: 'watching' },
      { state: 'failed', text: 'cannot open /dev/ttyACM0' },
    ]);
    assert.equal(pico.listeners, 2);
    await watcher.close();
    assert.equal(pico.listeners, 0, 'close() unsubscribes');
    pico.edge(true, 100);
    assert.equal(gestures.length, 1);
    assert.deepEqual(states.at(-1), { state: 'stopped' });
  });
});

describe('InputButton', () => {
  it('gives messages the gestures of a real button: at once, the long press by its timer', async () => {
    const gestures: DatedGesture[] = [];
    const button = new InputButton({ longPressMs: 60, doublePressMs: 300 }, (g) => gestures.push(...g));
    button.set(true);
    assert.deepEqual(gestures.map((g) => g.kind), ['press']);
    await waitFor(() => (gestures.length === 2 ? true : undefined), 'the long press');
    button.set(false);
    button.set(true);
    button.set(false);
    assert.deepEqual(gestures.map((g) => g.kind), ['press', 'long-press', 'release', 'press', 'double-press', 'release']);
    assert.equal(gestures[1]!.atNs - gestures[0]!.atNs, ms(60));
    assert.ok(Math.abs(Date.parse(gestures[0]!.at) - Date.now()) < 5000);
    // A hold that close() cuts short sends no long press.
    button.set(true);
    button.close();
    await sleep(90);
    assert.equal(gestures.at(-1)!.kind, 'press');
  });
});
