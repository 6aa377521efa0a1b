import type { ThroughputResult } from '../cases/throughput';
import { rate, times } from '../lib/units';
import { fileCheckRow, type Row, verdict } from './row';

/** For 8 ch x 96 kHz x 32-bit: at least 100 audio-seconds per CPU-second. */
export const REALTIME_FACTOR_TARGET = 100;

export function throughputRows(result: ThroughputResult): Row[] {
  const ours = result.audioSeconds / result.cpuSeconds;
  const cat = result.audioSeconds / result.catSeconds;
  const catUnit = result.catMeasured === 'cpu' ? 'CPU-s' : 'wall-s (no /usr/bin/time)';
  return [
    {
      bench: '3 throughput',
      measure: `audio-s per CPU-s, 8ch 96k s32 into wav-writer (${result.audioSeconds} s take)`,
      value: rate(ours, 'audio-s/CPU-s'),
      reference: `cat same bytes: ${rate(cat, `audio-s/${catUnit}`)}`,
      ratio: times(ours / cat),
      target: 'report',
      verdict: 'info',
    },
    {
      bench: '3 throughput',
      measure: 'sanity: faster than real time per CPU-second',
      value: times(ours),
      reference: '',
      ratio: '',
      target: `>= ${REALTIME_FACTOR_TARGET}x`,
      verdict: verdict(ours >= REALTIME_FACTOR_TARGET),
    },
    fileCheckRow('3 throughput', 'throughput file', result.problems),
  ];
}

export function throughputNotes(result: ThroughputResult): string[] {
  return [
    `throughput: wav-writer ${result.cpuSeconds.toFixed(2)} CPU-s (includes making and filling the chunks) in ${result.wallSeconds.toFixed(2)} s wall ` +
      `(${(result.audioBytes / 1e6 / result.wallSeconds).toFixed(0)} MB/s); cat ${result.catSeconds.toFixed(2)} ${result.catMeasured === 'cpu' ? 'CPU-s' : 'wall-s'} (median of 3)`,
  ];
}
