import type { GpiomonDialect } from './gpiomon-version';

/** One edge as gpiomon reports it, with the kernel's timestamp of the interrupt. */
export interface GpioEdge {
  /** After active-low inversion (done by the kernel): 'rising' means the line became active. */
  edge: 'rising' | 'falling';
  offset: number;
  timestampNs: bigint;
}

/**
 * The --format we ask for. 1.x: %e is 1 (rising) or 0 (falling); %s and %n are the
 * timestamp's seconds and nanoseconds, the nanoseconds printed without leading zeros (so
 * they cannot be glued into one decimal). 2.x: %E is "rising"/"falling" (its %e is 1/2,
 * which reads like 1.x's and is avoided); %S is seconds with 9 decimals.
 */
export const EVENT_FORMAT: Record<GpiomonDialect, string> = {
  1: '%o %e %s %n',
  2: '%o %E %S',
};

const EVENT_LINE: Record<GpiomonDialect, RegExp> = {
  1: /^(\d+) ([01]) (\d+) (\d{1,9})$/,
  2: /^(\d+) (rising|falling) (\d+)\.(\d{9})$/,
};

/** Reads a line printed with EVENT_FORMAT; undefined for anything else. */
export function parseGpiomonEvent(line: string, dialect: GpiomonDialect): GpioEdge | undefined {
  const match = EVENT_LINE[dialect].exec(line.trim());
  if (!match) return undefined;
  const [, offset = '', edge = '', seconds = '', nanoseconds = ''] = match;
  return {
    edge: edge === '1' || edge === 'rising' ? 'rising' : 'falling',
    offset: Number(offset),
    timestampNs: BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds),
  };
}

/** 2.x's --banner line, printed once the line is requested: the sign the watch is up. */
export function isMonitoringBanner(line: string): boolean {
  return /^Monitoring lines? '/.test(line);
}
