import { AudioFormat } from '../../audio/format';
import { SampleFormatName, sampleFormatName } from '../../audio/sample-format-names';
import { NaudiodonSampleFormats } from './naudiodon-loader';

/**
 * Which of naudiodon's sample formats delivers our samples byte for byte. PortAudio's 8-bit
 * format (paInt8) is signed, while ours is unsigned (as WAV and ALSA's U8 store it), so 8-bit
 * has none; paInt24 is packed, 3 bytes a sample, as S24_3LE.
 */
const NAUDIODON_FORMATS: Record<SampleFormatName, keyof NaudiodonSampleFormats | undefined> = {
  U8: undefined,
  S16_LE: 'SampleFormat16Bit',
  S24_3LE: 'SampleFormat24Bit',
  S32_LE: 'SampleFormat32Bit',
  FLOAT_LE: 'SampleFormatFloat32',
};

/** The name of naudiodon's constant for the format's samples; a RangeError when PortAudio has none. */
export function naudiodonSampleFormat(format: AudioFormat): keyof NaudiodonSampleFormats {
  const name = sampleFormatName(format);
  const constant = NAUDIODON_FORMATS[name];
  if (!constant) {
    throw new RangeError(`PortAudio cannot capture ${name} (its 8-bit samples are signed); use 16-bit, or the arecord backend`);
  }
  return constant;
}
