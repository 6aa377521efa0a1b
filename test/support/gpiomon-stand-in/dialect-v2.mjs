// libgpiod 2.x's gpiomon: `gpiomon [OPTIONS] <line>...`, with --chip to take lines as offsets.
import { getoptLong } from './getopt.mjs';
import { expandFormat, splitTimestamp } from './format-fields.mjs';

const OPTIONS = [
  { long: 'active-low', short: 'l', arg: false },
  { long: 'banner', arg: false },
  { long: 'bias', short: 'b', arg: true },
  { long: 'by-name', arg: false },
  { long: 'chip', short: 'c', arg: true },
  { long: 'consumer', short: 'C', arg: true },
  { long: 'debounce-period', short: 'p', arg: true },
  { long: 'edges', short: 'e', arg: true },
  { long: 'event-clock', short: 'E', arg: true },
  { long: 'format', short: 'F', arg: true },
  { long: 'help', short: 'h', arg: false },
  { long: 'idle-timeout', arg: true },
  { long: 'localtime', arg: false },
  { long: 'num-events', short: 'n', arg: true },
  { long: 'quiet', short: 'q', arg: false },
  { long: 'silent', arg: false },
  { long: 'strict', short: 's', arg: false },
  { long: 'unquoted', arg: false },
  { long: 'utc', arg: false },
  { long: 'version', short: 'v', arg: false },
];

/** The simulated chips have this many lines, like the Raspberry Pi's header chip. */
const LINES_PER_CHIP = 54;

export function versionBanner(version) {
  return [
    `gpiomon (libgpiod) v${version}`,
    'Copyright (C) 2017-2023 Bartosz Golaszewski',
    'License: GPL-2.0-or-later',
    'This is free software: you are free to change and redistribute it.',
    'There is NO WARRANTY, to the extent permitted by law.',
  ].join('\n');
}

export const usage = 'Usage: gpiomon [OPTIONS] <line>...';

export function parseArgs(args) {
  const { options, operands } = getoptLong(args, OPTIONS);
  const config = { action: 'monitor', activeLow: false, edges: 'both', clock: 'monotonic', timeFormat: 'raw', quiet: false, format: undefined, banner: false, chip: undefined, byName: false };
  for (const { name, value } of options) {
    if (name === 'help' || name === 'version') return { action: name };
    if (name === 'active-low') config.activeLow = true;
    else if (name === 'banner') config.banner = true;
    else if (name === 'bias' && !['pull-down', 'pull-up', 'disabled'].includes(value)) throw new Error(`invalid bias: ${value}`);
    else if (name === 'by-name') config.byName = true;
    else if (name === 'chip') config.chip = value;
    else if ((name === 'debounce-period' || name === 'idle-timeout') && !/^\d+(us|ms|s|m)?$/.test(value)) throw new Error(`invalid period: ${value}`);
    else if (name === 'edges') config.edges = oneOf(value, ['rising', 'falling', 'both'], 'edges');
    else if (name === 'event-clock') config.clock = oneOf(value, ['monotonic', 'realtime', 'hte'], 'event clock');
    else if (name === 'format') config.format = value;
    else if (name === 'localtime') config.timeFormat = 'local';
    else if (name === 'num-events' && !/^\d+$/.test(value)) throw new Error(`invalid number: '${value}'`);
    else if (name === 'quiet' || name === 'silent') config.quiet = true;
    else if (name === 'utc') config.timeFormat = 'utc';
  }
  if (config.clock === 'realtime' && config.timeFormat === 'raw') config.timeFormat = 'utc';
  if (operands.length < 1) throw new Error('at least one GPIO line must be specified');
  // Without --chip every line is a name; this stand-in's lines have none.
  const offsets = operands.map((line) => {
    if (config.chip === undefined || config.byName || !/^\d+$/.test(line)) throw new Error(`cannot find line '${line}'`);
    if (Number(line) >= LINES_PER_CHIP) throw new Error(`offset ${line} is out of range on chip '${config.chip}'`);
    return Number(line);
  });
  return { ...config, offsets, lineArgs: operands };
}

export function wantsEdge(config, edge) {
  return config.edges === 'both' || config.edges === edge;
}

export function bannerLine(config) {
  const names = config.lineArgs.map((line) => `'${line}'`);
  return names.length === 1 ? `Monitoring line ${names[0]}...` : `Monitoring lines ${names.slice(0, -1).join(', ')} and ${names.at(-1)}...`;
}

export function formatEvent(config, event) {
  const edgeName = event.edge === 'rising' ? 'rising' : 'falling';
  if (config.format === undefined) {
    return `${formatTime(event.ns, config.timeFormat)}\t${edgeName}\t${chipName(config.chip)} ${event.offset}`;
  }
  return expandFormat(config.format, {
    o: () => String(event.offset),
    l: () => 'unnamed',
    c: () => chipName(config.chip),
    e: () => (event.edge === 'rising' ? '1' : '2'),
    E: () => edgeName,
    S: () => formatTime(event.ns, 'raw'),
    U: () => formatTime(event.ns, 'utc'),
    L: () => formatTime(event.ns, 'local'),
  });
}

export function failureText(failure, config) {
  const path = chipPath(config.chip);
  if (failure === 'busy') return `unable to request lines on chip ${path}: Device or resource busy`;
  if (failure === 'missing-chip') return `cannot find GPIO chip character device '${config.chip}'`;
  if (failure === 'permission') return `unable to open chip '${path}': Permission denied`;
  return `offset ${config.offsets[0]} is out of range on chip '${config.chip}'`;
}

/** 2.x leaves SIGTERM to its default action. */
export const exitsCleanlyOnSigterm = false;
/** 2.x flushes stdout before each wait for events. */
export const flushesEveryEvent = true;

function oneOf(value, allowed, what) {
  if (!allowed.includes(value)) throw new Error(`invalid ${what}: ${value}`);
  return value;
}

function chipPath(chip) {
  if (/^\d+$/.test(chip)) return `/dev/gpiochip${chip}`;
  return chip.includes('/') ? chip : `/dev/${chip}`;
}

function chipName(chip) {
  return chipPath(chip).split('/').at(-1);
}

function formatTime(ns, how) {
  const { seconds, nanoseconds } = splitTimestamp(ns);
  const fraction = String(nanoseconds).padStart(9, '0');
  if (how === 'raw') return `${seconds}.${fraction}`;
  const date = new Date(Number(seconds) * 1000);
  if (how === 'utc') return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return `${local.toISOString().slice(0, 19)}.${fraction}`;
}
