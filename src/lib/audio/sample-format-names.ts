import { AudioFormat } from './format';

/** ALSA's names for the sample formats we carry (as arecord -f takes them). */
export const SAMPLE_FORMAT_NAMES = ['U8', 'S16_LE', 'S24_3LE', 'S32_LE', 'FLOAT_LE'] as const;
export type SampleFormatName = (typeof SAMPLE_FORMAT_NAMES)[number];

type SampleEncoding = Pick<AudioFormat, 'bitDepth' | 'encoding'>;

const ENCODINGS: Record<SampleFormatName, SampleEncoding> = {
  U8: { bitDepth: 8, encoding: 'unsigned' },
  S16_LE: { bitDepth: 16, encoding: 'signed' },
  S24_3LE: { bitDepth: 24, encoding: 'signed' },
  S32_LE: { bitDepth: 32, encoding: 'signed' },
  FLOAT_LE: { bitDepth: 32, encoding: 'float' },
};

export function sampleEncoding(name: string): SampleEncoding {
  const encoding = ENCODINGS[name as SampleFormatName];
  if (!encoding) throw new RangeError(`sample format must be one of ${SAMPLE_FORMAT_NAMES.join(', ')}, got ${name}`);
  return encoding;
}

/** ALSA's name for a sample format, as arecord -f takes it. */
export function sampleFormatName(format: SampleEncoding): SampleFormatName {
  const match = SAMPLE_FORMAT_NAMES.find((name) => {
    const encoding = ENCODINGS[name];
    return encoding.bitDepth === format.bitDepth && encoding.encoding === format.encoding;
  });
  if (!match) throw new RangeError(`no ALSA sample format for ${format.bitDepth}-bit ${format.encoding}`);
  return match;
}
