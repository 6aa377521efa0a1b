// A gpiomon for tests, speaking libgpiod 1.x's or 2.x's command line. Environment:
//   GPIOMON_STAND_IN_VERSION  "1" (1.6.3), "2" (2.1.3, the default) or a full version such as "2.0"
//   GPIOMON_STAND_IN_SCRIPT   the script of edges and happenings (see script.mjs); none: a button nobody presses
//   GPIOMON_STAND_IN_LOG      a file to which each call appends {"pid","kind","argv"} as a JSON line;
//                             kind is "version", "help", "rejected" or "monitor" (monitor lines count the runs)
// It checks its arguments as the real version does and fails with the real messages, applies
// --active-low to the script's physical levels and prints events in the --format it was given
// (1.x: block-buffered unless --line-buffered, as a pipe makes the real one).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as v1 from './dialect-v1.mjs';
import * as v2 from './dialect-v2.mjs';
import { UsageError } from './getopt.mjs';
import { readScript } from './script.mjs';

const PROGRAM = 'gpiomon';
const requested = process.env.GPIOMON_STAND_IN_VERSION ?? '2';
const version = { 1: '1.6.3', 2: '2.1.3' }[requested] ?? requested;
const dialect = version.startsWith('1.') ? v1 : v2;
const args = process.argv.slice(2);

let config;
try {
  config = dialect.parseArgs(args);
} catch (err) {
  log('rejected');
  if (err instanceof UsageError) die(`${err.message}\n${PROGRAM}: try ${PROGRAM} --help`);
  die(err.message);
}

if (config.action === 'version' || config.action === 'help') {
  log(config.action);
  process.stdout.write(`${config.action === 'version' ? dialect.versionBanner(version) : dialect.usage}\n`);
  process.exit(0);
}

const run = log('monitor');
const steps = process.env.GPIOMON_STAND_IN_SCRIPT ? readScript(process.env.GPIOMON_STAND_IN_SCRIPT, run) : [];
const output = makeOutput(dialect.flushesEveryEvent || config.lineBuffered);
// Signals are set up before anything is printed: a test may stop gpiomon as soon as it hears from it.
if (steps.some((step) => step.kind === 'ignore-sigterm')) process.on('SIGTERM', () => {});
else if (dialect.exitsCleanlyOnSigterm) process.on('SIGTERM', () => process.exit(0));
// The real one fails before it prints anything when it cannot get the line.
if (config.banner && steps[0]?.kind !== 'fail') output.write(dialect.bannerLine(config));
await play(steps);
// Waits for events that will never come, as gpiomon does, until a signal ends it.
setInterval(() => {}, 1 << 30);

async function play(script) {
  for (const step of script) {
    if (step.kind === 'wait') await sleep(step.ms);
    else if (step.kind === 'exit') process.exit(step.code);
    else if (step.kind === 'fail') die(dialect.failureText(step.failure, config));
    else if (step.kind === 'edge') printEdge(step);
  }
}

function printEdge(step) {
  // The kernel applies active-low before it tells the edges apart.
  const edge = config.activeLow ? (step.level === 'rising' ? 'falling' : 'rising') : step.level;
  if (config.quiet || config.silent || !dialect.wantsEdge(config, edge)) return;
  for (const offset of config.offsets) output.write(dialect.formatEvent(config, { edge, offset, ns: step.ns }));
}

/** stdout as glibc keeps it: flushed per line, or held until 4 KiB or the exit. */
function makeOutput(lineBuffered) {
  let held = '';
  const flush = () => {
    if (held !== '') process.stdout.write(held);
    held = '';
  };
  process.on('exit', flush);
  return {
    write(line) {
      held += `${line}\n`;
      if (lineBuffered || held.length >= 4096) flush();
    },
  };
}

/** Appends this call to the log; returns the run number (monitor calls so far, this one included). */
function log(kind) {
  const path = process.env.GPIOMON_STAND_IN_LOG;
  if (!path) return 1;
  const earlier = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line.includes('"kind":"monitor"')).length : 0;
  appendFileSync(path, `${JSON.stringify({ pid: process.pid, kind, argv: args })}\n`);
  return earlier + (kind === 'monitor' ? 1 : 0);
}

function die(message) {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exit(1);
}
