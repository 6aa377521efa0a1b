export { ArrivalClock } from './arrival-clock';
export { ButtonSignal, type ButtonSignalOptions } from './button-signal';
export {
  GpioButtonWatcher,
  type ButtonEvent,
  type GpioButtonWatcherEvents,
  type GpioButtonWatcherOptions,
  type WatcherState,
} from './button-watcher';
export { Debouncer, DEFAULT_DEBOUNCE_MS, type LevelEdge, type StableTransition } from './debouncer';
export { EventClock, identifyEventClock, readHostClocks, type EventClockKind, type HostClocks } from './event-clock';
export {
  DEFAULT_DOUBLE_PRESS_MS,
  DEFAULT_LONG_PRESS_MS,
  GestureClassifier,
  type Gesture,
  type GestureKind,
  type GestureOptions,
} from './gesture-classifier';
export { asWatchError, explainGpiomonExit, explainSpawnError, GpioWatchError, type GpioWatchErrorKind } from './gpio-watch-error';
export { gpiomonArgs } from './gpiomon-args';
export { EVENT_FORMAT, isMonitoringBanner, parseGpiomonEvent, type GpioEdge } from './gpiomon-output';
export { detectGpiomonVersion, parseGpiomonVersion, type GpiomonDialect, type GpiomonVersion } from './gpiomon-version';
export { InputButton, type InputButtonOptions } from './input-button';
export { assertLineRequest, GPIO_BIASES, type GpioBias, type GpioLineRequest } from './line-request';
export {
  PicoButtonWatcher,
  type PicoButtonEdge,
  type PicoButtonGesture,
  type PicoButtonSource,
  type PicoButtonWatcherEvents,
  type PicoButtonWatcherOptions,
  type PicoLinkStatus,
  type PicoWatcherState,
} from './pico-button-watcher';
export { DEFAULT_RETRY, RestartBackoff, type RetryOptions } from './restart-backoff';
export { PICO_TICKS_PERIOD_MS, TickUnwrapper } from './tick-unwrapper';
export { TimedButton, type ButtonClock, type DatedGesture } from './timed-button';
export { commandForGesture, isTriggerMode, triggerCommand, TRIGGER_MODES, type TriggerActions, type TriggerMode } from './trigger-modes';
