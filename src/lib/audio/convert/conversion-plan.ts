import { AudioFormat, formatProblem, MAX_CHANNELS } from '../format';
import { AudioConversion, CONVERSION_OPTION_NAMES } from './conversion-options';

/** A checked conversion: what the converter reads, filters, mixes and writes. */
export interface ConversionPlan {
  input: AudioFormat;
  output: AudioFormat;
  /** Source channels read from each frame, in order; every channel when downmixing. */
  sourceChannels: readonly number[];
  /** Average the source channels into one. */
  downmix: boolean;
  dcBlockHz: number | undefined;
  /** Factor from the input's sample units (integer steps, or float full scale 1) to the output's. */
  scale: number;
}

/** The highest DC-blocker cutoff, as a fraction of the sample rate: above it the filter is no longer a DC blocker. */
const MAX_DC_BLOCK_FRACTION = 0.1;

/**
 * Checks the options against the input format and works out the output format; undefined when
 * no option changes anything. Throws a RangeError naming the option that is wrong.
 */
export function planConversion(input: AudioFormat, options: AudioConversion): ConversionPlan | undefined {
  const problem = formatProblem(input);
  if (problem) throw new RangeError(`input format: ${problem}`);
  if (typeof options !== 'object' || options === null) {
    throw new RangeError(`conversion options must be an object, got ${shown(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!CONVERSION_OPTION_NAMES.includes(name)) {
      throw new RangeError(`unknown conversion option '${name}' (expected ${CONVERSION_OPTION_NAMES.join(', ')})`);
    }
  }
  const downmix = options.channels === 'mono' && input.channels > 1;
  const sourceChannels =
    options.channels === 'mono' || options.channels === undefined ? allChannels(input) : checkedChannels(options.channels, input);
  const bitDepth = options.bitDepth === undefined ? input.bitDepth : checkedBitDepth(options.bitDepth, input);
  const dcBlockHz = options.dcBlockHz === undefined ? undefined : checkedDcBlockHz(options.dcBlockHz, input);

  const selects = !isEveryChannelInOrder(sourceChannels, input.channels);
  if (!downmix && !selects && bitDepth === input.bitDepth && dcBlockHz === undefined) return undefined;

  const output: AudioFormat = {
    sampleRate: input.sampleRate,
    channels: downmix ? 1 : sourceChannels.length,
    bitDepth,
    encoding: bitDepth === input.bitDepth ? input.encoding : 'signed',
  };
  const validBits = outputValidBits(input, bitDepth, downmix || dcBlockHz !== undefined);
  if (validBits !== undefined) output.validBits = validBits;
  return { input, output, sourceChannels, downmix, dcBlockHz, scale: scaleBetween(input, bitDepth) };
}

/** True for [0, 1, ..., channels - 1]: a selection that keeps frames as they are. */
export function isEveryChannelInOrder(sourceChannels: readonly number[], channels: number): boolean {
  return sourceChannels.length === channels && sourceChannels.every((channel, index) => channel === index);
}

function allChannels(input: AudioFormat): number[] {
  return Array.from({ length: input.channels }, (_, index) => index);
}

function checkedChannels(channels: unknown, input: AudioFormat): readonly number[] {
  if (!Array.isArray(channels)) {
    throw new RangeError(`channels must be 'mono' or a list of channel indexes, got ${shown(channels)}`);
  }
  if (channels.length === 0) throw new RangeError('channels must list at least one channel');
  if (channels.length > MAX_CHANNELS) {
    throw new RangeError(`channels lists ${channels.length} channels, more than the ${MAX_CHANNELS} a format can carry`);
  }
  channels.forEach((channel: unknown, index) => {
    if (!Number.isInteger(channel) || (channel as number) < 0 || (channel as number) >= input.channels) {
      throw new RangeError(
        `channels[${index}] must be a channel index from 0 to ${input.channels - 1} (the input has ${input.channels}), got ${shown(channel)}`,
      );
    }
  });
  // A copy: the caller's array may change later, the plan must not.
  return [...(channels as number[])];
}

function checkedBitDepth(bitDepth: unknown, input: AudioFormat): 16 | 24 {
  if (bitDepth !== 16 && bitDepth !== 24) throw new RangeError(`bitDepth must be 16 or 24, got ${shown(bitDepth)}`);
  if (bitDepth >= input.bitDepth) {
    throw new RangeError(`bitDepth ${bitDepth} must be smaller than the input's ${input.bitDepth} bits (it only reduces)`);
  }
  return bitDepth;
}

function checkedDcBlockHz(hz: unknown, input: AudioFormat): number {
  const max = input.sampleRate * MAX_DC_BLOCK_FRACTION;
  if (typeof hz !== 'number' || !(hz > 0 && hz <= max)) {
    throw new RangeError(
      `dcBlockHz must be a cutoff above 0 and at most ${max} Hz (a tenth of the sample rate), got ${shown(hz)}; leave it out for no filter`,
    );
  }
  return hz;
}

/**
 * The input's validBits stay true only where every output sample is an input sample moved
 * by whole bits. The filter and the average make fractions that fill the whole output sample.
 */
function outputValidBits(input: AudioFormat, bitDepth: number, makesFractions: boolean): number | undefined {
  if (makesFractions || input.validBits === undefined) return undefined;
  if (input.encoding === 'float' && bitDepth !== input.bitDepth) return undefined;
  return input.validBits < bitDepth ? input.validBits : undefined;
}

function scaleBetween(input: AudioFormat, bitDepth: number): number {
  if (input.encoding === 'float') return bitDepth === input.bitDepth ? 1 : 2 ** (bitDepth - 1);
  return 2 ** (bitDepth - input.bitDepth);
}

/** A value for an error message: strings quoted, so '16' is not mistaken for 16. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
