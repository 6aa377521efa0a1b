import type { StallMode, StallResult } from '../cases/stall';
import { fileCheckRow, type Row, verdict } from './row';

const BENCH = '5 stall';

/** Audio the capture does not hold: card frames missing, and silence standing in for any. */
const lostFrames = (result: StallResult): number => result.check.missing + result.check.silence;
/** The capture ran its course: all its frames, and (through mic-in) ended by its maximum duration. */
const complete = (result: StallResult): boolean =>
  result.check.frames === result.audioSeconds * result.sampleRate && !result.died && (!result.recording || result.recording.reason === 'max-duration');
/** How a capture that did not run its course ended. */
const endedEarly = (result: StallResult): string =>
  `ended after ${(result.check.frames / result.sampleRate).toFixed(2)} s (${result.recording?.reason ?? result.died ?? 'short'})`;
const ms = (frames: number, result: StallResult): string => `${((frames / result.sampleRate) * 1000).toFixed(0)} ms`;
const bytesMs = (bytes: number, result: StallResult): string => ms(bytes / (result.bytesPerSecond / result.sampleRate), result);
const blockText = (result: StallResult): string => {
  const blockMs = result.blocks.length > 0 ? Math.round(Math.min(...result.blocks.map((block) => block.ms))) : 0;
  return `${result.blocks.length} x ${blockMs} ms`;
};

function describeDefaults(result: StallResult): string {
  const lost = lostFrames(result);
  const perBlock = result.blocks.length > 0 ? `, ${ms(lost / result.blocks.length, result)} per block` : '';
  return `${lost} frames (${ms(lost, result)}${perBlock}) lost in ${result.check.gaps} gaps; ${result.died ? `died: ${result.died}` : 'survived'}`;
}

/** Benchmark 5: no audio lost through mic-in while the event loop is blocked; naudiodon's defaults reported beside it. */
export function stallRows(results: StallResult[]): Row[] {
  const byMode = (mode: StallMode): StallResult | undefined => results.find((result) => result.mode === mode);
  const defaults = byMode('naudiodon-defaults');
  const rows: Row[] = [];
  for (const mode of ['arecord', 'portaudio'] as const) {
    const result = byMode(mode);
    if (!result) continue;
    const lost = lostFrames(result);
    rows.push({
      bench: BENCH,
      measure: `frames lost, mic-in (${mode}, bufferMs ${result.bufferMs}) -> wav-writer, loop blocked ${blockText(result)}`,
      value: complete(result) ? `${lost} frames` : `${lost} frames, but the recording ${endedEarly(result)}`,
      reference: defaults ? `naudiodon defaults: ${lostFrames(defaults)} frames` : '',
      ratio: '',
      target: '0 lost',
      verdict: verdict(lost === 0 && complete(result)),
    });
  }
  if (defaults) {
    rows.push({
      bench: BENCH,
      measure: `naudiodon defaults (maxQueue 2, closeOnError true), same card, loop blocked ${blockText(defaults)}`,
      value: describeDefaults(defaults),
      reference: '',
      ratio: '',
      target: 'report',
      verdict: 'info',
    });
  }
  const ours = results.filter((result) => result.mode !== 'naudiodon-defaults');
  rows.push(
    fileCheckRow(
      BENCH,
      `recordings (${ours.length}): counting pattern unbroken, no silence, dropped 0`,
      ours.flatMap((result) => result.problems.map((problem) => `${result.mode}: ${problem}`)),
    ),
  );
  return rows;
}

export function stallNotes(results: StallResult[]): string[] {
  // naudiodon's defaults are there to lose audio; only mic-in's problems are problems.
  const problems = results
    .filter((result) => result.mode !== 'naudiodon-defaults')
    .flatMap((result) => result.problems.map((problem) => `stall, ${result.mode}: problem: ${problem}`));
  return [...results.map((result) => {
    const ring =
      result.mode === 'arecord'
        ? `card ring ${bytesMs(result.ringBytes, result)} (= bufferMs, arecord's --buffer-time)`
        : `card ring ${bytesMs(result.ringBytes, result)} (two periods, as PortAudio sets up a card for naudiodon)`;
    const upstream =
      result.mode === 'arecord' && result.pacer.peakFillBytes <= result.pacer.periodBytes
        ? ' (the blocks never reached the card: arecord\'s stdout, a Unix socket pair from Node, held them)'
        : '';
    const blocks = result.blocks.map((block) => `${(block.atMs / 1000).toFixed(1)} s/${block.ms.toFixed(0)} ms`).join(', ');
    return (
      `stall, ${result.mode}: ${result.audioSeconds} s of 48k stereo s16 from a real-time card, ${ring}, peak fill ${bytesMs(result.pacer.peakFillBytes, result)}${upstream}; ` +
      `card dropped ${result.droppedInCaptureFrames} frames within the capture ` +
      `(${result.pacer.droppedPeriods} periods in all); blocks at ${blocks}; pacer (${result.pacer.scheduling}) at most ${result.pacer.maxLateMs} ms late`
    );
  }), ...problems];
}
