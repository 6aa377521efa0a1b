import { EVENT_FORMAT } from './gpiomon-output';
import type { GpiomonDialect } from './gpiomon-version';
import type { GpioBias, GpioLineRequest } from './line-request';

/**
 * The argument list for watching both edges of one line.
 *
 * 1.x: `gpiomon [options] <chip> <offset>`. Both edges is the default (neither -r nor -f).
 * Its stdout is block-buffered when it is a pipe, so --line-buffered is what makes each event
 * reach us when it happens. --bias (1.5+) is left out for 'as-is', the default, so older 1.x
 * still runs.
 *
 * 2.x: `gpiomon [options] --chip <chip> <offset>` (without --chip a number is taken as a line
 * name). It has no line-buffering option and needs none: it flushes stdout before every wait
 * for events. --banner prints "Monitoring line ..." once the line is requested, our sign that
 * the watch is up. The event clock is asked for explicitly: monotonic, which NTP steps of the
 * wall clock cannot disturb (the debounce and long-press durations are measured on it).
 * Its bias values are 'pull-up', 'pull-down' and 'disabled'.
 */
export function gpiomonArgs(dialect: GpiomonDialect, request: GpioLineRequest): string[] {
  const { chip, line, bias, activeLow } = request;
  const biasArgs = bias === 'as-is' ? [] : ['--bias', dialect === 1 ? bias : BIAS_2X[bias]];
  const activeLowArgs = activeLow ? ['--active-low'] : [];
  const format = ['--format', EVENT_FORMAT[dialect]];
  if (dialect === 1) {
    return ['--line-buffered', ...biasArgs, ...activeLowArgs, ...format, chip, String(line)];
  }
  return ['--banner', '--chip', chip, '--edges', 'both', '--event-clock', 'monotonic', ...biasArgs, ...activeLowArgs, ...format, String(line)];
}

const BIAS_2X: Record<Exclude<GpioBias, 'as-is'>, string> = {
  'pull-up': 'pull-up',
  'pull-down': 'pull-down',
  disable: 'disabled',
};
