import { EventEmitter } from 'node:events';
import type { ConnectionStatus } from '../pico/pico-connection';
import { ArrivalClock } from './arrival-clock';
import type { GestureKind } from './gesture-classifier';
import { TickUnwrapper } from './tick-unwrapper';
import { ButtonTiming, DatedGesture, TimedButton } from './timed-button';

/** A debounced edge of a button on the Pico, as the firmware reports it. */
export interface PicoButtonEdge {
  /** The Pico's GPIO number. */
  pin: number;
  pressed: boolean;
  /** The Pico's ticks_ms() at the edge (wraps at 2^30). */
  ticksMs: number;
}

/** What a Pico connection (the pico-device config node) offers a button trigger. Each method returns an unsubscribe function. */
export interface PicoButtonSource {
  onButton(listener: (edge: PicoButtonEdge) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

export interface PicoButtonWatcherOptions extends ButtonTiming {
  source: PicoButtonSource;
  /** Ticks period; default PICO_TICKS_PERIOD_MS. */
  ticksPeriodMs?: number;
}

/** A gesture of the Pico's button, dated on its ticks (timestampNs: since the connection's first edge). */
export interface PicoButtonGesture {
  event: GestureKind;
  pin: number;
  at: string;
  timestampNs: bigint;
}

export type PicoWatcherState =
  | { state: 'watching' }
  | { state: 'waiting'; text: string }
  | { state: 'failed'; text: string }
  | { state: 'stopped' };

export interface PicoButtonWatcherEvents {
  gesture: [event: PicoButtonGesture];
  state: [state: PicoWatcherState];
}

/**
 * Turns a Pico's button edges into gestures, like GpioButtonWatcher does for gpiomon's: the
 * firmware has debounced them already, so they go straight to the gesture classifier (a
 * ButtonSignal without debounce time), timed on the Pico's own ticks, unwrapped. The
 * connection's states come out as 'watching' (connected), 'waiting' (connecting, disconnected)
 * and 'failed' (an error). Whenever the connection is not up, the button starts over from the
 * released level on a fresh timeline: a Pico that comes back may have rebooted, ticks and all.
 */
export class PicoButtonWatcher extends EventEmitter<PicoButtonWatcherEvents> {
  private readonly button: TimedButton;
  private ticks: TickUnwrapper;
  /** The pin of the latest edge: every gesture follows one. */
  private pin = 0;
  private unsubscribe: (() => void)[] = [];
  private started = false;
  private closed = false;

  constructor(private readonly options: PicoButtonWatcherOptions) {
    super();
    this.ticks = new TickUnwrapper(options.ticksPeriodMs);
    this.button = new TimedButton(0, options, () => new ArrivalClock(), (gestures) => this.emitGestures(gestures));
  }

  /** Starts listening; once only, and not after close(). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const { source } = this.options;
    this.unsubscribe = [source.onStatus((status) => this.onStatus(status)), source.onButton((edge) => this.onEdge(edge))];
  }

  /** Stops listening and cancels the long-press timer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    this.button.stop();
    this.emit('state', { state: 'stopped' });
  }

  private onEdge(edge: PicoButtonEdge): void {
    if (this.closed) return;
    this.pin = edge.pin;
    this.button.push({ edge: edge.pressed ? 'rising' : 'falling', timestampNs: this.ticks.toNs(edge.ticksMs) });
  }

  private onStatus(status: ConnectionStatus): void {
    if (this.closed) return;
    if (status.state !== 'connected') {
      this.button.reset();
      this.ticks = new TickUnwrapper(this.options.ticksPeriodMs);
    }
    if (status.state === 'connected') this.emit('state', { state: 'watching' });
    else if (status.state === 'error') this.emit('state', { state: 'failed', text: status.text });
    else this.emit('state', { state: 'waiting', text: status.text });
  }

  private emitGestures(gestures: DatedGesture[]): void {
    for (const gesture of gestures) this.emit('gesture', { event: gesture.kind, pin: this.pin, at: gesture.at, timestampNs: gesture.atNs });
  }
}
