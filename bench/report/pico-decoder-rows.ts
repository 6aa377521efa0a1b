import type { PicoDecoderResult } from '../cases/pico-decoder';
import { rate, times } from '../lib/units';
import { fileCheckRow, type Row, verdict } from './row';

const BENCH = '6 pico decoder';
/** The link carries 48 kHz x 32-bit slots: 192 kB/s of audio. */
const LINK_BYTES_PER_SECOND = 48000 * 4;
/** The host decoder must keep up with the link at least this many times over. */
export const PICO_DECODER_TARGET = 250;

/** How many times the link's rate a pass over the stream that took `seconds` is. */
const linkRates = (result: PicoDecoderResult, seconds: number): number => result.streamBytes / seconds / LINK_BYTES_PER_SECOND;

export function picoDecoderRows(result: PicoDecoderResult): Row[] {
  const mbps = (seconds: number): number => result.streamBytes / 1e6 / seconds;
  /** A speed reported against the CRC floor: zlib.crc32 over the same bytes. */
  const againstCrc = (measure: string, seconds: number): Row => ({
    bench: BENCH,
    measure,
    value: rate(mbps(seconds), 'MB/s'),
    reference: `zlib.crc32 same bytes: ${rate(mbps(result.crcSeconds), 'MB/s')}`,
    ratio: times(result.crcSeconds / seconds),
    target: 'report',
    verdict: 'info',
  });
  const decoderTimes = linkRates(result, result.decoderSeconds);
  return [
    againstCrc(`frame decoder, 4 KiB slices (${(result.streamBytes / 1e6).toFixed(1)} MB, median of ${result.runs})`, result.decoderSeconds),
    {
      bench: BENCH,
      measure: 'frame decoder: times the link rate of 48 kHz x 32-bit (192 kB/s)',
      value: times(decoderTimes),
      reference: '',
      ratio: '',
      target: `>= ${PICO_DECODER_TARGET}x`,
      verdict: verdict(decoderTimes >= PICO_DECODER_TARGET),
    },
    againstCrc('whole PicoAudioSource (decoder, timeline, slot decoding)', result.sourceSeconds),
    { ...fileCheckRow(BENCH, `every frame and sample out (${result.framesSent} frames, ${result.audioSeconds} s)`, result.problems), target: 'all, once' },
  ];
}

export function picoDecoderNotes(result: PicoDecoderResult): string[] {
  const realTime = (seconds: number): string => times(linkRates(result, seconds));
  return [
    `pico decoder: ${realTime(result.decoderSeconds)} real time for the frame decoder, ${realTime(result.sourceSeconds)} for the whole source; ` +
      `ratios are the CRC floor's time over ours (1x would be as fast as the CRC alone)`,
  ];
}
