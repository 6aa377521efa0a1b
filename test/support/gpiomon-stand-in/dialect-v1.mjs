// libgpiod 1.6's gpiomon: `gpiomon [OPTIONS] <chip name/number> <offset 1> <offset 2> ...`.
import { getoptLong } from './getopt.mjs';
import { expandFormat, splitTimestamp } from './format-fields.mjs';

const OPTIONS = [
  { long: 'help', short: 'h', arg: false },
  { long: 'version', short: 'v', arg: false },
  { long: 'active-low', short: 'l', arg: false },
  { long: 'bias', short: 'B', arg: true },
  { long: 'num-events', short: 'n', arg: true },
  { long: 'silent', short: 's', arg: false },
  { long: 'rising-edge', short: 'r', arg: false },
  { long: 'falling-edge', short: 'f', arg: false },
  { long: 'line-buffered', short: 'b', arg: false },
  { long: 'format', short: 'F', arg: true },
];

const BIASES = ['as-is', 'disable', 'pull-down', 'pull-up'];

export function versionBanner(version) {
  return [
    `gpiomon (libgpiod) v${version}`,
    'Copyright (C) 2017-2018 Bartosz Golaszewski',
    'License: LGPLv2.1',
    'This is free software: you are free to change and redistribute it.',
    'There is NO WARRANTY, to the extent permitted by law.',
  ].join('\n');
}

export const usage = 'Usage: gpiomon [OPTIONS] <chip name/number> <offset 1> <offset 2> ...';

/** Throws UsageError (getopt's complaint) or Error (gpiomon's own check) as the real tool dies. */
export function parseArgs(args) {
  const { options, operands } = getoptLong(args, OPTIONS);
  const config = { action: 'monitor', activeLow: false, rising: false, falling: false, silent: false, lineBuffered: false, format: undefined, banner: false };
  for (const { name, value } of options) {
    if (name === 'help' || name === 'version') return { action: name };
    if (name === 'active-low') config.activeLow = true;
    else if (name === 'bias' && !BIASES.includes(value)) throw new Error(`invalid bias: ${value}`);
    else if (name === 'num-events' && !/^\d+$/.test(value)) throw new Error(`invalid number: ${value}`);
    else if (name === 'silent') config.silent = true;
    else if (name === 'rising-edge') config.rising = true;
    else if (name === 'falling-edge') config.falling = true;
    else if (name === 'line-buffered') config.lineBuffered = true;
    else if (name === 'format') config.format = value;
  }
  if (operands.length < 1) throw new Error('gpiochip must be specified');
  if (operands.length < 2) throw new Error('at least one GPIO line offset must be specified');
  const [chip, ...offsets] = operands;
  for (const offset of offsets) if (!/^\d+$/.test(offset)) throw new Error(`invalid GPIO offset: ${offset}`);
  return { ...config, chip, offsets: offsets.map(Number) };
}

export function wantsEdge(config, edge) {
  if (config.rising === config.falling) return true;
  return config.rising ? edge === 'rising' : edge === 'falling';
}

export function formatEvent(config, event) {
  const { seconds, nanoseconds } = splitTimestamp(event.ns);
  if (config.format === undefined) {
    const name = event.edge === 'rising' ? ' RISING EDGE' : 'FALLING EDGE';
    return `event: ${name} offset: ${event.offset} timestamp: [${String(seconds).padStart(8)}.${String(nanoseconds).padStart(9, '0')}]`;
  }
  return expandFormat(config.format, {
    o: () => String(event.offset),
    e: () => (event.edge === 'rising' ? '1' : '0'),
    s: () => String(seconds),
    // printf("%ld"): no leading zeros.
    n: () => String(nanoseconds),
  });
}

/** Every failure to get the line reaches 1.x's tool as the errno of its one library call. */
export function failureText(failure) {
  const errno = { busy: 'Device or resource busy', 'missing-chip': 'No such file or directory', permission: 'Permission denied', 'bad-line': 'Invalid argument' }[failure];
  return `error waiting for events: ${errno}`;
}

/** 1.x catches SIGTERM (through a signalfd) and exits cleanly. */
export const exitsCleanlyOnSigterm = true;
/** No banner in 1.x; its stdout is block-buffered on a pipe unless --line-buffered. */
export const flushesEveryEvent = false;
