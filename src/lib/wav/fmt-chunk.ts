import { type AudioFormat, bytesPerFrame, formatProblem } from '../audio/format';
import { WavFormatError } from './wav-format-error';

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * The KSDATAFORMAT_SUBTYPE_* GUIDs are {0000xxxx-0000-0010-8000-00aa00389b71} with the
 * plain format tag as xxxx. In the file the GUID's first field is a little-endian 32-bit
 * number (the tag); these are the 12 bytes after it.
 */
const SUBTYPE_GUID_TAIL = Buffer.from([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

/**
 * dwChannelMask for 1..8 channels, from the SPEAKER_* bits of ksmedia.h. Where Microsoft
 * names a layout it is used (KSAUDIO_SPEAKER_MONO, _STEREO, _QUAD, _5POINT1 and
 * _7POINT1_SURROUND; plain _7POINT1 0xFF is the deprecated "wide" layout). The others
 * have no KSAUDIO name and take the common choice of other writers:
 *   3: FL FR FC (0x7)   5: FL FR FC BL BR (0x37)   7: 5.1 + BC (0x13F)
 * Above 8 channels no layout fits, and 0 says "channels not assigned to speakers".
 */
const SPEAKER_MASKS: readonly number[] = [0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f];

export function speakerMask(channels: number): number {
  return SPEAKER_MASKS[channels - 1] ?? 0;
}

/**
 * WAVE_FORMAT_EXTENSIBLE where the plain header would be ambiguous: more than 2 channels
 * (speaker mapping), integer samples wider than 16 bits (Microsoft's rule), or fewer valid
 * bits than the container holds (only EXTENSIBLE can say so). 32-bit float with 1-2
 * channels stays plain: tag 3 is unambiguous and the most widely read.
 */
export function needsExtensible(format: AudioFormat): boolean {
  if (format.channels > 2) return true;
  if (format.bitDepth > 16 && format.encoding !== 'float') return true;
  return (format.validBits ?? format.bitDepth) !== format.bitDepth;
}

/**
 * Size of the fmt payload we write. Plain PCM is the 16-byte PCMWAVEFORMAT. Plain float
 * is 18 bytes, a WAVEFORMATEX with cbSize 0: Microsoft requires cbSize on every tag other
 * than PCM, and sox, wavefile and ffmpeg all read it. (No "fact" chunk: for PCM-like data
 * readers take the length from the data chunk, and a 32-bit frame count there would be
 * one more field to keep current and would overflow on long RF64 files.)
 */
export function fmtPayloadBytes(format: AudioFormat): number {
  if (needsExtensible(format)) return 40;
  return format.encoding === 'float' ? 18 : 16;
}

export function encodeFmtPayload(format: AudioFormat): Buffer {
  const extensible = needsExtensible(format);
  const plainTag = format.encoding === 'float' ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM;
  const payload = Buffer.alloc(fmtPayloadBytes(format));
  const blockAlign = bytesPerFrame(format);
  payload.writeUInt16LE(extensible ? WAVE_FORMAT_EXTENSIBLE : plainTag, 0);
  payload.writeUInt16LE(format.channels, 2);
  payload.writeUInt32LE(format.sampleRate, 4);
  payload.writeUInt32LE(format.sampleRate * blockAlign, 8);
  payload.writeUInt16LE(blockAlign, 12);
  payload.writeUInt16LE(format.bitDepth, 14);
  if (payload.length > 16) payload.writeUInt16LE(payload.length - 18, 16);
  if (extensible) {
    payload.writeUInt16LE(format.validBits ?? format.bitDepth, 18);
    payload.writeUInt32LE(speakerMask(format.channels), 20);
    payload.writeUInt32LE(plainTag, 24);
    SUBTYPE_GUID_TAIL.copy(payload, 28);
  }
  return payload;
}

/** Reads a fmt payload (plain, WAVEFORMATEX or EXTENSIBLE) into the AudioFormat it describes. */
export function decodeFmtPayload(payload: Buffer): AudioFormat {
  if (payload.length < 16) throw new WavFormatError(`fmt chunk is ${payload.length} bytes, at least 16 expected`);
  const tag = payload.readUInt16LE(0);
  const channels = payload.readUInt16LE(2);
  const sampleRate = payload.readUInt32LE(4);
  const blockAlign = payload.readUInt16LE(12);
  const bitDepth = payload.readUInt16LE(14);
  let sampleTag = tag;
  let validBits = bitDepth;
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (payload.length < 40) throw new WavFormatError(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${payload.length} bytes, 40 expected`);
    sampleTag = payload.readUInt32LE(24);
    if (!payload.subarray(28, 40).equals(SUBTYPE_GUID_TAIL)) {
      throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE SubFormat is not a KSDATAFORMAT_SUBTYPE GUID');
    }
    // Some writers leave wValidBitsPerSample 0, meaning "all of them".
    validBits = payload.readUInt16LE(18) || bitDepth;
  }
  if (sampleTag !== WAVE_FORMAT_PCM && sampleTag !== WAVE_FORMAT_IEEE_FLOAT) {
    throw new WavFormatError(
      `format tag 0x${sampleTag.toString(16).padStart(4, '0')} is not PCM or IEEE float (compressed formats are not supported)`,
    );
  }
  if (bitDepth !== 8 && bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new WavFormatError(`${bitDepth}-bit samples are not supported (8, 16, 24 or 32)`);
  }
  const encoding = sampleTag === WAVE_FORMAT_IEEE_FLOAT ? 'float' : bitDepth === 8 ? 'unsigned' : 'signed';
  const format: AudioFormat = { sampleRate, channels, bitDepth, encoding };
  if (validBits !== bitDepth) format.validBits = validBits;
  const problem = formatProblem(format);
  if (problem !== undefined) throw new WavFormatError(`unsupported format: ${problem}`);
  if (blockAlign !== bytesPerFrame(format)) {
    throw new WavFormatError(`block align ${blockAlign} does not match ${channels} channels of ${bitDepth} bits`);
  }
  return format;
}
