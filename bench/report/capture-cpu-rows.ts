import type { CaptureCpuResult, CpuTake } from '../cases/capture-cpu';
import { median } from '../lib/stats';
import { rate, times } from '../lib/units';
import { fileCheckRow, type Row, verdict } from './row';

/** Recording through mic-in -> wav-writer may cost at most twice what arecord writing the WAV itself costs. */
export const CAPTURE_CPU_RATIO_TARGET = 2;

const BENCH = '4 capture CPU';

const total = (take: CpuTake): number => take.processSeconds + take.childSeconds;
const perAudioHour = (seconds: number, result: CaptureCpuResult): number => (seconds * 3600) / result.audioSeconds;
const medianPerHour = (result: CaptureCpuResult): number => perAudioHour(median(result.takes.map(total)), result);

/** Benchmark 4: per backend, CPU-seconds per audio-hour against arecord writing the WAV itself, both measured in this run. */
export function captureCpuRows(reference: CaptureCpuResult, backends: CaptureCpuResult[]): Row[] {
  const referencePerHour = medianPerHour(reference);
  const rows = backends.map((result): Row => {
    const ours = medianPerHour(result);
    const child = result.mode === 'arecord' ? ' + arecord child' : '';
    return {
      bench: BENCH,
      measure: `CPU per audio-hour, mic-in (${result.mode}) -> wav-writer${child}, 8ch 96k s32, median of ${result.takes.length}`,
      value: rate(ours, 'CPU-s/h'),
      reference: `arecord -> WAV: ${rate(referencePerHour, 'CPU-s/h')}`,
      ratio: times(ours / referencePerHour),
      target: `<= ${CAPTURE_CPU_RATIO_TARGET}x`,
      verdict: verdict(ours / referencePerHour <= CAPTURE_CPU_RATIO_TARGET),
    };
  });
  const results = [reference, ...backends];
  const files = results.reduce((count, result) => count + result.takes.length, 0);
  rows.push(fileCheckRow(BENCH, `captured files (${files}) against the device's file`, results.flatMap((result) => result.problems)));
  return rows;
}

export function captureCpuNotes(reference: CaptureCpuResult, backends: CaptureCpuResult[]): string[] {
  const seconds = (values: number[]): string => values.map((value) => value.toFixed(2)).join(', ');
  return [
    ...backends.map((result) => {
      const split = result.mode === 'arecord' ? ` = Node-RED ${seconds(result.takes.map((take) => take.processSeconds))} + arecord ${seconds(result.takes.map((take) => take.childSeconds))}` : '';
      return (
        `capture CPU, ${result.mode}: CPU-s per ${result.audioSeconds} s take (unpaced) ${seconds(result.takes.map(total))}${split}; ` +
        `wall ${seconds(result.takes.map((take) => take.wallSeconds))} s`
      );
    }),
    `capture CPU, reference arecord -> WAV: CPU-s per ${reference.audioSeconds} s take ${seconds(reference.takes.map(total))}; wall ${seconds(reference.takes.map((take) => take.wallSeconds))} s ` +
      '(children\'s CPU from /proc/self/stat cutime + cstime, 10 ms resolution)',
    ...[reference, ...backends].flatMap((result) => result.problems.map((problem) => `capture CPU, ${result.mode}: problem: ${problem}`)),
  ];
}
