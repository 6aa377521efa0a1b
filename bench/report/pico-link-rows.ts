import type { PicoLinkResult } from '../cases/pico-link';
import { times } from '../lib/units';
import { fileCheckRow, type Row, verdict } from './row';

const BENCH = '7 pico link';

const framePeriodUs = (result: PicoLinkResult): number => (result.samplesPerFrame / result.sampleRate) * 1e6;

/** Benchmark 7: per sample rate, nothing lost on the link, every sample as the microphone gave it, and the firmware's time per frame. */
export function picoLinkRows(results: PicoLinkResult[]): Row[] {
  return results.flatMap((result): Row[] => {
    const rate = `${result.sampleRate} Hz`;
    const lost = [result.crcFailures, result.framesMissing, result.droppedSamples];
    const onPico = result.picoOverrunSamples > 0 ? [`the simulated Pico's I2S ring lost ${result.picoOverrunSamples} samples (the simulation fell behind)`] : [];
    return [
      {
        bench: BENCH,
        measure: `${rate}, ${result.audioSeconds} s over the pty: CRC errors / link frames lost / samples filled`,
        value: lost.join(' / '),
        reference: '',
        ratio: '',
        target: '0 / 0 / 0',
        verdict: verdict(lost.every((count) => count === 0)),
      },
      fileCheckRow(BENCH, `${rate}: the WAV's ${result.framesRecorded} samples against the simulated microphone`, [...onPico, ...result.problems]),
      {
        bench: BENCH,
        measure: `${rate}: firmware time per ${result.samplesPerFrame}-sample frame (simulated clock, ${result.statusReports} status reports)`,
        value: `avg ${result.frameAvgUs.toFixed(0)} us, max ${result.frameMaxUs} us`,
        reference: `frame period ${framePeriodUs(result).toFixed(0)} us`,
        ratio: times(result.frameAvgUs / framePeriodUs(result)),
        target: 'report',
        verdict: 'info',
      },
    ];
  });
}

export function picoLinkNotes(results: PicoLinkResult[]): string[] {
  return [
    ...results.map(
      (result) =>
        `pico link ${result.sampleRate} Hz: ${result.audioSeconds} s of audio in ${result.wallSeconds.toFixed(1)} s wall (simulated Pico at ${result.speed}x real time), ` +
        `${result.bytesSkipped} bytes skipped by the host decoder`,
    ),
    'pico link: the firmware\'s time per frame is measured by the firmware itself (ticks_us around each frame) on the simulation\'s clock, where the ' +
      'WebAssembly port on this machine stands in for an RP2040: it shows the share of the frame period the firmware\'s work takes in the simulation, ' +
      'not an RP2040\'s figure; the maximum includes the host process\'s own pauses (scheduling, garbage collection), multiplied by the speed-up',
  ];
}
