import type { PicoDecoderResult } from '../cases/pico-decoder';
import { rate, times } from '../lib/units';
import { type Row, verdict } from './row';

/** The link carries 48 kHz x 32-bit slots: 192 kB/s of audio. */
const LINK_BYTES_PER_SECOND = 48000 * 4;
/** The host decoder must keep up with the link at least this many times over. */
export const PICO_DECODER_TARGET = 250;

export function picoDecoderRows(result: PicoDecoderResult): Row[] {
  const mbps = (seconds: number): number => result.streamBytes / 1e6 / seconds;
  const realTime = (seconds: number): number => result.streamBytes / seconds / LINK_BYTES_PER_SECOND;
  const crc = `zlib.crc32 same bytes: ${rate(mbps(result.crcSeconds), 'MB/s')}`;
  const decoderTimes = realTime(result.decoderSeconds);
  return [
    {
      bench: '6 pico decoder',
      measure: `frame decoder, 4 KiB slices (${(result.streamBytes / 1e6).toFixed(1)} MB, median of ${result.runs})`,
      value: rate(mbps(result.decoderSeconds), 'MB/s'),
      reference: crc,
      ratio: times(result.crcSeconds / result.decoderSeconds),
      target: 'report',
      verdict: 'info',
    },
    {
      bench: '6 pico decoder',
      measure: 'frame decoder: times the link rate of 48 kHz x 32-bit (192 kB/s)',
      value: times(decoderTimes),
      reference: '',
      ratio: '',
      target: `>= ${PICO_DECODER_TARGET}x`,
      verdict: verdict(decoderTimes >= PICO_DECODER_TARGET),
    },
    {
      bench: '6 pico decoder',
      measure: 'whole PicoAudioSource (decoder, timeline, slot decoding)',
      value: rate(mbps(result.sourceSeconds), 'MB/s'),
      reference: crc,
      ratio: times(result.crcSeconds / result.sourceSeconds),
      target: 'report',
      verdict: 'info',
    },
    {
      bench: '6 pico decoder',
      measure: `every frame and sample out (${result.framesSent} frames, ${result.audioSeconds} s)`,
      value: result.problems.length === 0 ? 'as sent' : `${result.problems.length} problem(s): ${result.problems[0]}`,
      reference: '',
      ratio: '',
      target: 'all, once',
      verdict: verdict(result.problems.length === 0),
    },
  ];
}

export function picoDecoderNotes(result: PicoDecoderResult): string[] {
  const realTime = (seconds: number): string => times(result.streamBytes / seconds / LINK_BYTES_PER_SECOND);
  return [
    `pico decoder: ${realTime(result.decoderSeconds)} real time for the frame decoder, ${realTime(result.sourceSeconds)} for the whole source; ` +
      `ratios are the CRC floor's time over ours (1x would be as fast as the CRC alone)`,
  ];
}
