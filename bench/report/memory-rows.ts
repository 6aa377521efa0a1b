import type { MemoryResult } from '../cases/memory';
import { median } from '../lib/stats';
import { megabytes, times } from '../lib/units';
import { fileCheckRow, type Row, verdict } from './row';

export const MEMORY_TARGET_BYTES = 5e6;

/**
 * Benchmark 1. The target applies to wav-writer's RSS growth above the null sink's, both
 * measured in this run with the same feeder: the null sink shows what allocating a fresh
 * 307 KB Buffer per chunk costs with no writer at all. V8 lets dead ArrayBuffers pile up
 * until the young generation's backing stores reach 2 x its default max semi-space
 * (32 MB on 64-bit) before it scavenges, so any consumer's raw growth starts around there.
 */
export function memoryRows(writer: MemoryResult[], nullSink: MemoryResult[], hold: MemoryResult): Row[] {
  const take = writer[0]!;
  const growth = median(writer.map((run) => run.growthBytes));
  const floor = median(nullSink.map((run) => run.growthBytes));
  const excess = growth - floor;
  const runs = `median of ${writer.length}`;
  const name = `${take.audioSeconds / 60} min 8ch 96k s32 (${(take.audioBytes / 1e9).toFixed(2)} GB)`;
  return [
    {
      bench: '1 memory',
      measure: `RSS growth, wav-writer, ${name}, ${runs}`,
      value: megabytes(growth),
      reference: `hold in memory (pyaudio way): ${megabytes(hold.growthBytes)}`,
      ratio: times(growth / hold.growthBytes),
      target: 'report',
      verdict: 'info',
    },
    {
      bench: '1 memory',
      measure: 'RSS growth above the null sink (feeder + Node-RED + GC, no writer)',
      value: megabytes(excess),
      reference: `null sink: ${megabytes(floor)} (median of ${nullSink.length})`,
      ratio: times(growth / floor),
      target: `< ${megabytes(MEMORY_TARGET_BYTES)}`,
      verdict: verdict(excess < MEMORY_TARGET_BYTES),
    },
    fileCheckRow('1 memory', `wav-writer files (${writer.length})`, writer.flatMap((run) => run.problems)),
    fileCheckRow('1 memory', 'hold-in-memory file', hold.problems),
  ];
}

/** Feeder figures printed under the table. */
export function memoryNotes(writer: MemoryResult[], nullSink: MemoryResult[], hold: MemoryResult): string[] {
  const runs = (results: MemoryResult[]): string => results.map((run) => megabytes(run.growthBytes)).join(', ');
  const w = writer[0]!;
  return [
    `memory: RSS growth per run: wav-writer ${runs(writer)}; null sink ${runs(nullSink)}; hold in memory ${runs([hold])} (peak RSS ${megabytes(hold.peakRssBytes)})`,
    `memory: feeder bound ${megabytes(w.maxInFlightBytes)} in flight; peak in flight: wav-writer ${megabytes(Math.max(...writer.map((run) => run.peakInFlightBytes)))}, ` +
      `null sink ${megabytes(Math.max(...nullSink.map((run) => run.peakInFlightBytes)))}, hold ${megabytes(hold.peakInFlightBytes)}; ` +
      `wav-writer took ${(w.wallMs / 1000).toFixed(1)} s (${(w.audioSeconds / (w.wallMs / 1000)).toFixed(0)}x real time), ${w.samples} RSS samples`,
  ];
}
