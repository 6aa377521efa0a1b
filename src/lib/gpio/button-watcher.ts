import { EventEmitter } from 'node:events';
import { DEFAULT_DEBOUNCE_MS } from './debouncer';
import { EventClock } from './event-clock';
import type { GestureKind } from './gesture-classifier';
import { asWatchError, explainGpiomonExit, GpioWatchError } from './gpio-watch-error';
import { gpiomonArgs } from './gpiomon-args';
import { isMonitoringBanner, parseGpiomonEvent } from './gpiomon-output';
import { GpiomonEnding, GpiomonProcess } from './gpiomon-process';
import { detectGpiomonVersion, GpiomonVersion } from './gpiomon-version';
import { assertLineRequest, GpioLineRequest } from './line-request';
import { RestartBackoff, RetryOptions } from './restart-backoff';
import { ButtonTiming, DatedGesture, TimedButton } from './timed-button';

export interface GpioButtonWatcherOptions extends GpioLineRequest, ButtonTiming {
  /** Default 25. See Debouncer for the rule. */
  debounceMs?: number;
  /** The gpiomon executable; default 'gpiomon' from PATH. */
  command?: string;
  retry?: RetryOptions;
  /** How long gpiomon gets to end after SIGTERM before SIGKILL (ms); default 2000. */
  stopGraceMs?: number;
}

/** A button gesture, as the node sends it on. */
export interface ButtonEvent {
  event: GestureKind;
  chip: string;
  line: number;
  /** Wall-clock time of the gesture (ISO 8601, ms), worked out from the kernel timestamp: see EventClock. */
  at: string;
  /** The kernel event-clock timestamp it comes from (CLOCK_MONOTONIC as a rule). */
  timestampNs: bigint;
}

export type WatcherState =
  | { state: 'watching'; gpiomon: string }
  | { state: 'failed'; error: GpioWatchError; retryInMs: number }
  | { state: 'stopped' };

export interface GpioButtonWatcherEvents {
  gesture: [event: ButtonEvent];
  state: [state: WatcherState];
}

const DEFAULT_STOP_GRACE_MS = 2000;

/**
 * 1.x prints nothing once it holds the line, but it fails within milliseconds when it cannot
 * get it: alive this long (or an event), it is watching.
 */
const V1_SETTLED_MS = 300;

/**
 * Watches one button through gpiomon and emits its gestures ('gesture') and how the watch is
 * going ('state': 'watching', 'failed' with the error and the wait before the next try,
 * 'stopped' after close()). gpiomon's version is asked once; a gpiomon that fails or ends is
 * restarted with exponential backoff until close(). No 'error' event: failures are states.
 * Each run starts from the released level (what gpiomon reports are edges, not levels).
 * Listeners run after the watcher has updated itself, so one that throws cannot leave it half-done.
 */
export class GpioButtonWatcher extends EventEmitter<GpioButtonWatcherEvents> {
  private readonly options: GpioButtonWatcherOptions;
  private readonly command: string;
  private readonly backoff: RestartBackoff;
  private version: GpiomonVersion | undefined;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private launching: Promise<void> | undefined;
  private versionCheck: AbortController | undefined;
  private run: GpiomonProcess | undefined;
  private readonly button: TimedButton;
  private watchingSince: number | undefined;
  private settledTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(options: GpioButtonWatcherOptions) {
    super();
    assertLineRequest(options);
    this.options = options;
    this.command = options.command ?? 'gpiomon';
    this.backoff = new RestartBackoff(options.retry);
    this.button = new TimedButton(options.debounceMs ?? DEFAULT_DEBOUNCE_MS, options, () => new EventClock(), (gestures) => this.emitGestures(gestures));
  }

  /** The running gpiomon's process id, if one runs. */
  get pid(): number | undefined {
    return this.run?.pid;
  }

  /** Starts watching; once only, and not after close(). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.launching = this.launch();
  }

  /** Stops gpiomon (SIGTERM, then SIGKILL after the grace), cancels every timer; resolves when it is gone. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.clearTimers();
    this.versionCheck?.abort();
    await this.launching;
    await this.run?.stop(this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    this.run = undefined;
    this.emit('state', { state: 'stopped' });
  }

  /** One run: the version (asked once), then gpiomon. Never rejects: every failure becomes a 'failed' state. */
  private async launch(): Promise<void> {
    try {
      this.version ??= await this.detectVersion();
    } catch (err) {
      if (!this.closed) this.fail(asWatchError(err, this.command));
      return;
    }
    if (this.closed) return;
    const version = this.version;
    this.button.reset();
    try {
      this.run = new GpiomonProcess(this.command, gpiomonArgs(version.dialect, this.options), {
        line: (line) => this.onLine(line, version),
        end: (ending) => this.onEnd(ending),
      });
    } catch (err) {
      this.fail(asWatchError(err, this.command));
      return;
    }
    if (version.dialect === 1) this.settledTimer = setTimeout(() => this.markWatching(version), V1_SETTLED_MS);
  }

  private async detectVersion(): Promise<GpiomonVersion> {
    this.versionCheck = new AbortController();
    try {
      return await detectGpiomonVersion(this.command, this.versionCheck.signal);
    } finally {
      this.versionCheck = undefined;
    }
  }

  private onLine(line: string, version: GpiomonVersion): void {
    if (this.closed) return;
    if (version.dialect === 2 && isMonitoringBanner(line)) {
      this.markWatching(version);
      return;
    }
    const edge = parseGpiomonEvent(line, version.dialect);
    if (!edge || edge.offset !== this.options.line) return;
    this.markWatching(version);
    this.button.push(edge);
  }

  private markWatching(version: GpiomonVersion): void {
    clearTimeout(this.settledTimer);
    this.settledTimer = undefined;
    if (this.watchingSince !== undefined || this.closed) return;
    this.watchingSince = performance.now();
    this.emit('state', { state: 'watching', gpiomon: version.text });
  }

  private onEnd(ending: GpiomonEnding): void {
    this.run = undefined;
    this.clearTimers();
    if (this.closed) return;
    const error = ending.spawnError
      ? asWatchError(ending.spawnError, this.command)
      : explainGpiomonExit(ending.stderr, ending.code, ending.signal, this.options);
    // gpiomon vanished, or changed under us (an upgrade from 1.x to 2.x): ask the next one its version anew.
    if (ending.spawnError || error.kind === 'bad-arguments') this.version = undefined;
    this.fail(error);
  }

  private fail(error: GpioWatchError): void {
    const watchedMs = this.watchingSince === undefined ? 0 : performance.now() - this.watchingSince;
    this.watchingSince = undefined;
    const retryInMs = this.backoff.delayAfter(watchedMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.launching = this.launch();
    }, retryInMs);
    this.emit('state', { state: 'failed', error, retryInMs });
  }

  private emitGestures(gestures: DatedGesture[]): void {
    const { chip, line } = this.options;
    for (const gesture of gestures) {
      this.emit('gesture', { event: gesture.kind, chip, line, at: gesture.at, timestampNs: gesture.atNs });
    }
  }

  private clearTimers(): void {
    clearTimeout(this.settledTimer);
    this.settledTimer = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.button.stop();
  }
}
