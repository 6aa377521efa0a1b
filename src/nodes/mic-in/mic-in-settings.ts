import { AudioConversion, DEFAULT_DC_BLOCK_HZ } from '../../lib/audio/convert/conversion-options';
import { createConverter } from '../../lib/audio/convert/converter';
import { assertFormat, AudioFormat } from '../../lib/audio/format';
import { sampleEncoding } from '../../lib/audio/sample-format-names';
import { TestWaveform } from '../../lib/audio/test-signal';
import { AlsaBackendChoice, AlsaSourceOptions } from '../../lib/capture/alsa/alsa-source';
import { SilenceStopOptions } from '../../lib/capture/silence-detector';
import { TestSourceOptions } from '../../lib/capture/test-source';
import { linkAudioFormat, SPH0645_VALID_BITS } from '../../lib/pico/slot-decoder';
import { chosenPico } from '../shared/chosen-pico';
import { configFlag } from '../shared/config-flag';
import { configNumber } from '../shared/config-number';

/** mic-in's properties as the editor saves them. */
export interface MicInConfig {
  source?: string;
  /** The pico-device config node's id, for source 'pico'. */
  pico?: string;
  backend?: string;
  device?: string;
  periodMs?: string | number;
  bufferMs?: string | number;
  sampleRate?: string | number;
  channels?: string | number;
  sampleFormat?: string;
  waveform?: string;
  frequency?: string | number;
  level?: string | number;
  chunkMs?: string | number;
  maxDuration?: string | number;
  keepOpen?: boolean | string;
  preRoll?: string | number;
  silenceStop?: boolean | string;
  silenceThreshold?: string | number;
  silenceHangover?: string | number;
  minLength?: string | number;
  startOnSound?: boolean | string;
  soundThreshold?: string | number;
  outChannels?: string;
  outBitDepth?: string | number;
  dcBlock?: boolean | string;
  dcBlockHz?: string | number;
  topic?: string;
}

export type SourceSettings =
  | ({ kind: 'test' } & TestSourceOptions)
  | ({ kind: 'alsa'; backend: AlsaBackendChoice } & AlsaSourceOptions)
  /** pico: the id of the pico-device config node; the format is the link's (32-bit, 18 valid bits, mono). */
  | { kind: 'pico'; pico: string; format: AudioFormat };

export interface MicInSettings {
  source: SourceSettings;
  chunkMs: number;
  maxDurationMs: number;
  /** Keep the device open between recordings, holding `preRollMs` of audio for the next start. */
  keepOpen: boolean;
  preRollMs: number;
  /** End a recording after this much quiet; undefined when recordings end only when told or at the maximum. */
  silenceStop: SilenceStopOptions | undefined;
  /** With keepOpen: the level (dBFS) at which a recording starts by itself; undefined for never. */
  startOnSoundDbfs: number | undefined;
  /** What to do to the audio on its way out; undefined when it goes out as captured. */
  conversion: AudioConversion | undefined;
  topic: string;
}

const BACKENDS: readonly string[] = ['auto', 'portaudio', 'arecord'];

function sourceSettings(config: MicInConfig, format: AudioFormat): SourceSettings {
  const kind = config.source || 'alsa';
  if (kind === 'alsa') {
    const backend = config.backend || 'auto';
    if (!BACKENDS.includes(backend)) throw new RangeError(`backend must be auto, portaudio or arecord, got ${backend}`);
    const device = config.device?.trim() || 'default';
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f]/.test(device)) throw new RangeError('device name must not contain control characters');
    return {
      kind,
      backend: backend as AlsaBackendChoice,
      device,
      format,
      periodMs: configNumber(config.periodMs, 50, 'period', 1, 1000),
      bufferMs: configNumber(config.bufferMs, 1000, 'buffer', 10, 10000),
    };
  }
  if (kind === 'pico') {
    return { kind, pico: chosenPico(config.pico), format };
  }
  if (kind !== 'test') throw new RangeError(`source must be alsa, pico or test, got ${kind}`);
  const waveform = config.waveform || 'sine';
  if (waveform !== 'sine' && waveform !== 'noise') throw new RangeError(`waveform must be sine or noise, got ${waveform}`);
  return {
    kind,
    format,
    waveform: waveform as TestWaveform,
    frequency: configNumber(config.frequency, 440, 'frequency', 1, format.sampleRate / 2),
    levelDbfs: configNumber(config.level, -12, 'level', -120, 0),
  };
}

/** Channels as users count them ("1,2" of 8, or "mono"), as the converter takes them (from 0). */
function outputChannels(text: string | undefined): AudioConversion['channels'] {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  if (trimmed.toLowerCase() === 'mono') return 'mono';
  return trimmed.split(',').map((part) => {
    const channel = Number(part.trim());
    if (!Number.isInteger(channel) || channel < 1) throw new RangeError(`output channels must be numbers from 1, like 1,2, or mono; got ${trimmed}`);
    return channel - 1;
  });
}

function silenceStop(config: MicInConfig): SilenceStopOptions | undefined {
  if (!configFlag(config.silenceStop)) return undefined;
  return {
    thresholdDbfs: configNumber(config.silenceThreshold, -40, 'silence threshold', -144, 0),
    hangoverMs: configNumber(config.silenceHangover, 2, 'silence hang-over', 0.01, 3600) * 1000,
    minLengthMs: configNumber(config.minLength, 1, 'minimum length', 0, 3600) * 1000,
  };
}

function startOnSound(config: MicInConfig, keepOpen: boolean): number | undefined {
  if (!configFlag(config.startOnSound)) return undefined;
  // Hearing a sound between recordings needs the device open between them.
  if (!keepOpen) throw new RangeError('start on sound needs "Listen" (keep the device open between recordings)');
  return configNumber(config.soundThreshold, -30, 'sound threshold', -144, 0);
}

function conversion(config: MicInConfig, format: AudioFormat): AudioConversion | undefined {
  const outBitDepth = config.outBitDepth === undefined || config.outBitDepth === '' ? undefined : Number(config.outBitDepth);
  if (outBitDepth !== undefined && outBitDepth !== 16 && outBitDepth !== 24) throw new RangeError(`output bit depth must be 16 or 24, got ${config.outBitDepth}`);
  if (outBitDepth !== undefined && outBitDepth > format.bitDepth) {
    throw new RangeError(`output bit depth ${outBitDepth} is more than the device's ${format.bitDepth}`);
  }
  const options: AudioConversion = {
    channels: outputChannels(config.outChannels),
    // The same depth as captured is no conversion at all.
    bitDepth: outBitDepth !== undefined && outBitDepth < format.bitDepth ? (outBitDepth as 16 | 24) : undefined,
    dcBlockHz: configFlag(config.dcBlock) ? configNumber(config.dcBlockHz, DEFAULT_DC_BLOCK_HZ, 'DC block cutoff', 1, 200) : undefined,
  };
  if (options.channels === undefined && options.bitDepth === undefined && options.dcBlockHz === undefined) return undefined;
  // Built once here so a conversion that does not fit the format is a configuration error, not a failed start.
  createConverter(format, options);
  return options;
}

/** What the device captures: as configured, or for a Pico the link's format at the rate its firmware accepts. */
function captureFormat(config: MicInConfig): AudioFormat {
  if (config.source === 'pico') return linkAudioFormat(configNumber(config.sampleRate, 48000, 'sample rate', 8000, 48000), SPH0645_VALID_BITS);
  return {
    sampleRate: configNumber(config.sampleRate, 48000, 'sample rate', 1000, 768000),
    channels: configNumber(config.channels, 1, 'channels', 1, 32),
    ...sampleEncoding(config.sampleFormat || 'S16_LE'),
  };
}

/** Checks the node's properties and turns them into settings; throws a RangeError naming the bad one. */
export function micInSettings(config: MicInConfig): MicInSettings {
  const format = captureFormat(config);
  assertFormat(format);
  const keepOpen = configFlag(config.keepOpen);
  return {
    source: sourceSettings(config, format),
    chunkMs: configNumber(config.chunkMs, 100, 'chunk length', 5, 5000),
    maxDurationMs: configNumber(config.maxDuration, 0, 'maximum duration', 0, 31 * 24 * 3600) * 1000,
    keepOpen,
    preRollMs: configNumber(config.preRoll, 0, 'pre-roll', 0, 60) * 1000,
    silenceStop: silenceStop(config),
    startOnSoundDbfs: startOnSound(config, keepOpen),
    conversion: conversion(config, format),
    topic: config.topic || 'audio',
  };
}
