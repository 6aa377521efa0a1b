import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ButtonSignal } from '../../src/lib/gpio/button-signal';
import { Debouncer, LevelEdge, StableTransition } from '../../src/lib/gpio/debouncer';
import { EventClock, HostClocks, identifyEventClock } from '../../src/lib/gpio/event-clock';
import { Gesture, GestureClassifier } from '../../src/lib/gpio/gesture-classifier';
import { RestartBackoff } from '../../src/lib/gpio/restart-backoff';
import { commandForGesture, isTriggerMode, TRIGGER_MODES } from '../../src/lib/gpio/trigger-modes';

const ms = (value: number): bigint => BigInt(Math.round(value * 1e6));
const edge = (atMs: number, level: 'rising' | 'falling'): LevelEdge => ({ edge: level, timestampNs: ms(atMs) });

/** Contact bounce: the level flips at each of these ms, ending on `level`. */
function burst(level: 'rising' | 'falling', ...atMs: number[]): LevelEdge[] {
  const other = level === 'rising' ? 'falling' : 'rising';
  return atMs.map((at, index) => edge(at, (atMs.length - 1 - index) % 2 === 0 ? level : other));
}

function feed(debouncer: Debouncer, edges: LevelEdge[]): StableTransition[] {
  return edges.flatMap((e) => debouncer.push(e));
}

describe('Debouncer', () => {
  it('collapses a bounce burst within 5 ms into one transition dated to its first edge', () => {
    const debouncer = new Debouncer(25);
    const pressBurst = burst('rising', 1000, 1000.8, 1001.5, 1003, 1004.9);
    assert.deepEqual(feed(debouncer, pressBurst), []);
    assert.equal(debouncer.nextDeadlineNs(), ms(1029.9));
    // The next burst's first edge, 55 ms after the last, shows the line settled pressed.
    assert.deepEqual(feed(debouncer, burst('falling', 1060, 1061, 1062.5)), [{ pressed: true, atNs: ms(1000) }]);
    assert.deepEqual(debouncer.poll(ms(1087.4)), []);
    assert.deepEqual(debouncer.poll(ms(1087.5)), [{ pressed: false, atNs: ms(1060) }]);
    assert.equal(debouncer.nextDeadlineNs(), undefined);
    assert.equal(debouncer.pressed, false);
  });

  it('keeps a real short press of 60 ms', () => {
    const debouncer = new Debouncer(25);
    const transitions = [...feed(debouncer, [edge(500, 'rising'), edge(560, 'falling')]), ...debouncer.poll(ms(600))];
    assert.deepEqual(transitions, [
      { pressed: true, atNs: ms(500) },
      { pressed: false, atNs: ms(560) },
    ]);
  });

  it('confirms the final edge with no successor only once its deadline has passed', () => {
    const debouncer = new Debouncer(25);
    feed(debouncer, burst('rising', 100, 101, 102));
    assert.equal(debouncer.nextDeadlineNs(), ms(127));
    assert.deepEqual(debouncer.poll(ms(126.999)), []);
    assert.deepEqual(debouncer.poll(ms(127)), [{ pressed: true, atNs: ms(100) }]);
    assert.deepEqual(debouncer.poll(ms(5000)), []);
  });

  it('drops a glitch that ends on the level it started from, and a shorter press than the debounce time', () => {
    const debouncer = new Debouncer(25);
    assert.deepEqual(feed(debouncer, [edge(10, 'rising'), edge(12, 'falling'), edge(30, 'rising'), edge(40, 'falling')]), []);
    assert.deepEqual(debouncer.poll(ms(100)), []);
    assert.equal(debouncer.pressed, false);
  });

  it('counts every edge as movement, also a repeated level the kernel read late', () => {
    const debouncer = new Debouncer(25);
    feed(debouncer, [edge(0, 'rising'), edge(20, 'rising'), edge(40, 'rising')]);
    assert.deepEqual(debouncer.poll(ms(64)), []);
    assert.deepEqual(debouncer.poll(ms(65)), [{ pressed: true, atNs: 0n }]);
  });

  it('with 0 ms passes every change of level at once', () => {
    const debouncer = new Debouncer(0);
    const transitions = feed(debouncer, burst('rising', 1, 1.2, 1.4, 1.6, 1.8));
    assert.deepEqual(
      transitions.map((t) => [t.pressed, t.atNs]),
      [
        [true, ms(1)],
        [false, ms(1.2)],
        [true, ms(1.4)],
        [false, ms(1.6)],
        [true, ms(1.8)],
      ],
    );
    assert.equal(debouncer.nextDeadlineNs(), undefined);
  });

  it('takes a released start: a first release burst while held is no release', () => {
    const debouncer = new Debouncer(25);
    assert.deepEqual([...feed(debouncer, burst('falling', 100, 101)), ...debouncer.poll(ms(200))], []);
  });

  it('refuses a negative debounce time', () => {
    assert.throws(() => new Debouncer(-1), RangeError);
  });
});

describe('GestureClassifier', () => {
  const press = (atMs: number): StableTransition => ({ pressed: true, atNs: ms(atMs) });
  const release = (atMs: number): StableTransition => ({ pressed: false, atNs: ms(atMs) });
  const kinds = (gestures: Gesture[]) => gestures.map((g) => `${g.kind}@${Number(g.atNs / 1_000_000n)}`);

  it('sends a long press once per hold, when the hold reaches longPressMs', () => {
    const classifier = new GestureClassifier({ longPressMs: 1000 });
    assert.deepEqual(kinds(classifier.push(press(0))), ['press@0']);
    assert.equal(classifier.nextDeadlineNs(), ms(1000));
    assert.deepEqual(classifier.poll(ms(999)), []);
    assert.deepEqual(kinds(classifier.poll(ms(1000))), ['long-press@1000']);
    assert.deepEqual(classifier.poll(ms(5000)), []);
    assert.equal(classifier.nextDeadlineNs(), undefined);
    assert.deepEqual(kinds(classifier.push(release(6000))), ['release@6000']);
  });

  it('puts a long press found only at the release before the release', () => {
    const classifier = new GestureClassifier({ longPressMs: 1000 });
    classifier.push(press(0));
    assert.deepEqual(kinds(classifier.push(release(2500))), ['long-press@1000', 'release@2500']);
  });

  it('sends none for a hold shorter than longPressMs', () => {
    const classifier = new GestureClassifier({ longPressMs: 1000 });
    classifier.push(press(0));
    assert.deepEqual(kinds(classifier.push(release(999))), ['release@999']);
    assert.deepEqual(classifier.poll(ms(3000)), []);
  });

  it('sends a double press after the second press, without holding back the first', () => {
    const classifier = new GestureClassifier({ longPressMs: 1000, doublePressMs: 400 });
    const gestures = [press(0), release(100), press(350), release(450), press(700), release(800), press(1300)].flatMap((t) => classifier.push(t));
    assert.deepEqual(kinds(gestures), [
      'press@0', 'release@100', 'press@350', 'double-press@350', 'release@450',
      // The third press starts a new pair; 600 ms later is too late for a double.
      'press@700', 'release@800', 'press@1300',
    ]);
  });

  it('knows no double press when it is off', () => {
    const classifier = new GestureClassifier({ longPressMs: 1000 });
    const gestures = [press(0), release(50), press(100)].flatMap((t) => classifier.push(t));
    assert.deepEqual(kinds(gestures), ['press@0', 'release@50', 'press@100']);
  });

  it('refuses timings that make no sense', () => {
    assert.throws(() => new GestureClassifier({ longPressMs: 0 }), RangeError);
    assert.throws(() => new GestureClassifier({ longPressMs: 1000, doublePressMs: -5 }), RangeError);
  });
});

describe('ButtonSignal', () => {
  const kinds = (gestures: Gesture[]) => gestures.map((g) => `${g.kind}@${Number(g.atNs) / 1e6}`);

  it('turns bouncy edges into press, long press and release on their timestamps', () => {
    const signal = new ButtonSignal({ debounceMs: 25, longPressMs: 1000 });
    const gestures = [
      ...burst('rising', 1000, 1001, 1002.5, 1004).flatMap((e) => signal.push(e)),
      ...signal.poll(ms(1029)),
      ...burst('falling', 2500, 2501.5, 2503).flatMap((e) => signal.push(e)),
    ];
    assert.deepEqual(kinds(gestures), ['press@1000', 'long-press@2000']);
    assert.equal(signal.nextDeadlineNs(), ms(2528));
    assert.deepEqual(kinds(signal.poll(ms(2528))), ['release@2500']);
  });

  it('waits for a release burst before it calls a hold long, as the release is dated to its start', () => {
    const signal = new ButtonSignal({ debounceMs: 25, longPressMs: 1000 });
    [edge(0, 'rising')].forEach((e) => signal.push(e));
    signal.poll(ms(30));
    // The release starts 10 ms before the long-press deadline and bounces past it.
    const during = burst('falling', 990, 995, 1005).flatMap((e) => signal.push(e));
    assert.deepEqual(during, []);
    assert.equal(signal.nextDeadlineNs(), ms(1030));
    assert.deepEqual(kinds(signal.poll(ms(1030))), ['release@990']);
  });

  it('still calls the hold long after a glitch that came back to pressed', () => {
    const signal = new ButtonSignal({ debounceMs: 25, longPressMs: 1000 });
    signal.push(edge(0, 'rising'));
    signal.poll(ms(30));
    signal.push(edge(990, 'falling'));
    signal.push(edge(992, 'rising'));
    assert.deepEqual(kinds(signal.poll(ms(1017))), ['long-press@1000']);
  });
});

describe('trigger modes', () => {
  it('map presses and releases to commands, and nothing else', () => {
    const table = TRIGGER_MODES.map((mode) => [mode, commandForGesture(mode, 'press'), commandForGesture(mode, 'release')]);
    assert.deepEqual(table, [
      ['toggle', 'toggle', undefined],
      ['hold', 'start', 'stop'],
      ['start-only', 'start', undefined],
      ['stop-only', 'stop', undefined],
    ]);
    for (const mode of TRIGGER_MODES) {
      assert.equal(commandForGesture(mode, 'long-press'), undefined);
      assert.equal(commandForGesture(mode, 'double-press'), undefined);
    }
    assert.equal(isTriggerMode('hold'), true);
    assert.equal(isTriggerMode('press'), false);
    assert.equal(isTriggerMode(undefined), false);
  });
});

describe('EventClock', () => {
  const SECOND = 1_000_000_000n;
  // Booted a day ago; the wall clock reads 2025-01-02T03:04:05.000Z.
  const host: HostClocks = { monotonicNs: 86_400n * SECOND, realtimeNs: BigInt(Date.UTC(2025, 0, 2, 3, 4, 5)) * 1_000_000n };

  it('tells the kernel clocks apart by how near now a fresh timestamp is', () => {
    assert.equal(identifyEventClock(host.monotonicNs - 3n * SECOND, host), 'monotonic');
    assert.equal(identifyEventClock(host.realtimeNs - 2n * SECOND, host), 'realtime');
    assert.equal(identifyEventClock(1n * SECOND, host), 'other');
  });

  it('dates monotonic timestamps by their age, following a wall clock that NTP has since stepped', () => {
    let now = host;
    const clock = new EventClock(() => now);
    clock.observe(host.monotonicNs - 250_000_000n);
    assert.equal(clock.toIso(host.monotonicNs - 250_000_000n), '2025-01-02T03:04:04.750Z');
    now = { monotonicNs: host.monotonicNs + SECOND, realtimeNs: host.realtimeNs + 3600n * SECOND + SECOND };
    assert.equal(clock.toIso(host.monotonicNs), '2025-01-02T04:04:05.000Z');
    // Now on the event clock: the last event plus the host's monotonic time since it came.
    assert.equal(clock.nowNs(), host.monotonicNs + 750_000_000n);
  });

  it('takes realtime timestamps as they are, and anchors any other clock at its first event', () => {
    const realtime = new EventClock(() => host);
    realtime.observe(host.realtimeNs - SECOND);
    assert.equal(realtime.toIso(host.realtimeNs - SECOND), '2025-01-02T03:04:04.000Z');
    const other = new EventClock(() => host);
    other.observe(5n * SECOND);
    assert.equal(other.toIso(5n * SECOND), '2025-01-02T03:04:05.000Z');
    assert.equal(other.toIso(6n * SECOND + 500_000_000n), '2025-01-02T03:04:06.500Z');
  });
});

describe('RestartBackoff', () => {
  it('doubles up to the maximum and starts over after a healthy run', () => {
    const backoff = new RestartBackoff({ initialMs: 500, maxMs: 3000, stableAfterMs: 10_000 });
    assert.deepEqual([0, 0, 0, 0, 9_999].map((watched) => backoff.delayAfter(watched)), [500, 1000, 2000, 3000, 3000]);
    assert.equal(backoff.delayAfter(10_000), 500);
    assert.equal(backoff.delayAfter(0), 1000);
    assert.throws(() => new RestartBackoff({ initialMs: 100, maxMs: 50 }), RangeError);
  });
});
