/** What a line arecord wrote on stderr means for the capture. */
export type ArecordMessage =
  | { kind: 'recording' }
  | { kind: 'overrun'; atLeastMs: number }
  | { kind: 'busy' | 'missing' | 'unsupported' | 'failed'; text: string };

/**
 * Reads one stderr line of arecord (alsa-utils). Without -q it announces
 * "Recording raw data 'stdin' : ..." once the device is open and configured, which is how we
 * know the open worked; "overrun!!! (at least N ms long)" reports lost audio; the rest are errors.
 */
export function parseArecordLine(line: string): ArecordMessage | undefined {
  if (line.startsWith('Recording ')) return { kind: 'recording' };
  const overrun = /overrun!!! \(at least ([\d.]+) ms long\)/.exec(line);
  if (overrun) return { kind: 'overrun', atLeastMs: Number(overrun[1]) };
  if (/Device or resource busy/.test(line)) return { kind: 'busy', text: line };
  if (/audio open error|Unknown PCM|Cannot get card index|No such device/.test(line)) return { kind: 'missing', text: line };
  if (/non available|not available|Available formats/.test(line)) return { kind: 'unsupported', text: line };
  if (/^arecord: /.test(line)) return { kind: 'failed', text: line };
  return undefined;
}
