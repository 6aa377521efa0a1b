import type { FinalizeResult } from '../cases/finalize';
import { median } from '../lib/stats';
import { milliseconds, times } from '../lib/units';
import { fileCheckRow, type Row, verdict } from './row';

export const FINALIZE_TARGET_MS = 20;
export const FINALIZE_RATIO_TARGET = 1.5;

/** Benchmark 2: both medians within the target, and the long take's no slower than 1.5 x the short one's (O(1) finalize). */
export function finalizeRows(results: FinalizeResult[]): Row[] {
  const [short, long] = results as [FinalizeResult, FinalizeResult];
  const shortMs = median(short.latenciesMs);
  const longMs = median(long.latenciesMs);
  const row = (result: FinalizeResult, ms: number): Row => ({
    bench: '2 finalize',
    measure: `stop -> finished, ${result.label} mono 48k s16 (median of ${result.latenciesMs.length})`,
    value: milliseconds(ms),
    reference: '',
    ratio: '',
    target: `<= ${FINALIZE_TARGET_MS} ms`,
    verdict: verdict(ms <= FINALIZE_TARGET_MS),
  });
  return [
    row(short, shortMs),
    row(long, longMs),
    {
      bench: '2 finalize',
      measure: `O(1): ${long.label} median / ${short.label} median`,
      value: milliseconds(longMs),
      reference: `${short.label}: ${milliseconds(shortMs)}`,
      ratio: times(longMs / shortMs),
      target: `<= ${FINALIZE_RATIO_TARGET}x`,
      verdict: verdict(longMs / shortMs <= FINALIZE_RATIO_TARGET),
    },
    fileCheckRow('2 finalize', `finished files (${short.latenciesMs.length + long.latenciesMs.length})`, [...short.problems, ...long.problems]),
  ];
}

export function finalizeNotes(results: FinalizeResult[]): string[] {
  return results.map(
    (result) =>
      `finalize ${result.label}: ${result.latenciesMs.map((ms) => ms.toFixed(2)).join(', ')} ms; peak in flight while feeding ${(result.peakInFlightBytes / 1e6).toFixed(2)} MB`,
  );
}
