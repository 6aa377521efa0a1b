import { CONTROL_COMMANDS, ControlCommand } from '../../lib/contract/control';
import { DEFAULT_DEBOUNCE_MS } from '../../lib/gpio/debouncer';
import { DEFAULT_DOUBLE_PRESS_MS, DEFAULT_LONG_PRESS_MS } from '../../lib/gpio/gesture-classifier';
import { assertLineRequest, GpioBias, GpioLineRequest } from '../../lib/gpio/line-request';
import type { ButtonTiming } from '../../lib/gpio/timed-button';
import { isTriggerMode, TriggerActions, TRIGGER_MODES } from '../../lib/gpio/trigger-modes';
import { chosenPico } from '../shared/chosen-pico';
import { configFlag } from '../shared/config-flag';
import { configNumber } from '../shared/config-number';

/** button-trigger's properties as the editor saves them. */
export interface ButtonTriggerConfig {
  source?: string;
  chip?: string;
  line?: string | number;
  bias?: string;
  activeLow?: boolean | string;
  debounceMs?: string | number;
  pico?: string;
  mode?: string;
  longPressMs?: string | number;
  longPressAction?: string;
  doublePress?: boolean | string;
  doublePressMs?: string | number;
  doublePressAction?: string;
  everyEvent?: boolean | string;
  topic?: string;
}

export type ButtonSourceSettings =
  | ({ kind: 'gpio'; debounceMs: number } & GpioLineRequest)
  /** pico: the id of the pico-device config node. */
  | { kind: 'pico'; pico: string };

export interface ButtonTriggerSettings {
  source: ButtonSourceSettings;
  /** For the configured button and the input's simulated one alike. */
  timing: ButtonTiming;
  actions: TriggerActions;
  /** Send a message for every gesture, with a null payload where it maps to no command. */
  everyEvent: boolean;
  topic: string;
}

const ACTIONS: readonly string[] = ['none', ...CONTROL_COMMANDS];

/** What a long or double press sends: a command, or nothing for 'none'. */
function action(value: string | undefined, what: string): ControlCommand | undefined {
  const chosen = value || 'none';
  if (!ACTIONS.includes(chosen)) throw new RangeError(`${what} must send one of ${ACTIONS.join(', ')}, got ${chosen}`);
  return chosen === 'none' ? undefined : (chosen as ControlCommand);
}

function gpioSettings(config: ButtonTriggerConfig): ButtonSourceSettings {
  if (config.line === undefined || String(config.line).trim() === '') throw new RangeError('GPIO line is missing: give the BCM number the button is wired to, like 17');
  const settings = {
    kind: 'gpio' as const,
    chip: config.chip?.trim() || 'gpiochip0',
    line: configNumber(config.line, 0, 'GPIO line', 0, 65535),
    // Checked with the rest of the line request below.
    bias: (config.bias || 'pull-up') as GpioBias,
    activeLow: config.activeLow === undefined ? true : configFlag(config.activeLow),
    debounceMs: configNumber(config.debounceMs, DEFAULT_DEBOUNCE_MS, 'debounce time', 0, 1000),
  };
  assertLineRequest(settings);
  return settings;
}

function sourceSettings(config: ButtonTriggerConfig): ButtonSourceSettings {
  const kind = config.source || 'gpio';
  if (kind === 'gpio') return gpioSettings(config);
  if (kind !== 'pico') throw new RangeError(`source must be gpio or pico, got ${kind}`);
  return { kind, pico: chosenPico(config.pico) };
}

/** Checks the node's properties and turns them into settings; throws a RangeError naming the bad one. */
export function buttonTriggerSettings(config: ButtonTriggerConfig): ButtonTriggerSettings {
  const mode = config.mode || 'toggle';
  if (!isTriggerMode(mode)) throw new RangeError(`mode must be one of ${TRIGGER_MODES.join(', ')}, got ${mode}`);
  const doublePress = configFlag(config.doublePress);
  return {
    source: sourceSettings(config),
    timing: {
      longPressMs: configNumber(config.longPressMs, DEFAULT_LONG_PRESS_MS, 'long-press time', 50, 60_000),
      doublePressMs: doublePress ? configNumber(config.doublePressMs, DEFAULT_DOUBLE_PRESS_MS, 'double-press time', 50, 5000) : undefined,
    },
    actions: {
      mode,
      longPress: action(config.longPressAction, 'a long press'),
      doublePress: doublePress ? action(config.doublePressAction, 'a double press') : undefined,
    },
    everyEvent: configFlag(config.everyEvent),
    topic: config.topic || 'button',
  };
}
