import { ButtonInfo } from '../../lib/contract/button';
import { GpioButtonWatcher } from '../../lib/gpio/button-watcher';
import { PicoButtonSource, PicoButtonWatcher } from '../../lib/gpio/pico-button-watcher';
import { ButtonTriggerSettings } from './button-trigger-settings';

export interface SourceFailure {
  /** Reported once per kind until the source works again. */
  kind: string;
  message: string;
  /** When the source tries again by itself. */
  retryInMs?: number;
}

/** What the node hears from its button source. */
export interface ButtonSourceHandlers {
  gesture(button: ButtonInfo): void;
  /** The button is watched; `gpiomon`: its version, for a GPIO button. */
  watching(gpiomon?: string): void;
  /** The Pico is not connected (yet). */
  waiting(): void;
  failed(failure: SourceFailure): void;
}

export interface ButtonSource {
  start(handlers: ButtonSourceHandlers): void;
  /** Resolves once nothing of the source is left (no gpiomon, no subscription). */
  close(): Promise<void>;
}

/** The configured button: a GPIO line through gpiomon, or a Pico's button through its pico-device config node. */
export function createButtonSource(settings: ButtonTriggerSettings, findConfigNode: (id: string) => unknown): ButtonSource {
  const { source, timing } = settings;
  if (source.kind === 'gpio') {
    const { chip, line } = source;
    const watcher = new GpioButtonWatcher({ ...source, ...timing });
    return {
      start(handlers) {
        watcher.on('gesture', (event) => handlers.gesture({ event: event.event, source: 'gpio', chip, line, at: event.at }));
        watcher.on('state', (state) => {
          if (state.state === 'watching') handlers.watching(state.gpiomon);
          else if (state.state === 'failed') handlers.failed({ kind: state.error.kind, message: state.error.message, retryInMs: state.retryInMs });
        });
        watcher.start();
      },
      close: () => watcher.close(),
    };
  }
  const watcher = new PicoButtonWatcher({ source: picoButtonSource(findConfigNode(source.pico), source.pico), ...timing });
  return {
    start(handlers) {
      watcher.on('gesture', (event) => handlers.gesture({ event: event.event, source: 'pico', line: event.pin, at: event.at }));
      watcher.on('state', (state) => {
        if (state.state === 'watching') handlers.watching();
        else if (state.state === 'waiting') handlers.waiting();
        else if (state.state === 'failed') handlers.failed({ kind: 'pico', message: state.text });
      });
      watcher.start();
    },
    close: () => watcher.close(),
  };
}

/** The pico-device config node, checked to offer what a button trigger needs. */
function picoButtonSource(configNode: unknown, id: string): PicoButtonSource {
  if (configNode === null || configNode === undefined) throw new RangeError(`the Pico chosen (${id}) is not deployed: pick a pico-device in the Pico field`);
  const candidate = configNode as Partial<PicoButtonSource>;
  if (typeof candidate.onButton !== 'function' || typeof candidate.onStatus !== 'function') {
    throw new RangeError(`the Pico chosen (${id}) offers no button: it is not a pico-device`);
  }
  return candidate as PicoButtonSource;
}
