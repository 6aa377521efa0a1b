import { AudioFormat, formatProblem } from '../../lib/audio/format';
import { sampleEncoding } from '../../lib/audio/sample-format-names';
import { TestWaveform } from '../../lib/audio/test-signal';
import { TestSourceOptions } from '../../lib/capture/test-source';

/** mic-in's properties as the editor saves them. */
export interface MicInConfig {
  source?: string;
  sampleRate?: string | number;
  channels?: string | number;
  sampleFormat?: string;
  waveform?: string;
  frequency?: string | number;
  level?: string | number;
  chunkMs?: string | number;
  maxDuration?: string | number;
  topic?: string;
}

export interface MicInSettings {
  source: TestSourceOptions;
  chunkMs: number;
  maxDurationMs: number;
  topic: string;
}

function number(value: string | number | undefined, fallback: number, what: string, min: number, max: number): number {
  const parsed = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new RangeError(`${what} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return parsed;
}

/** Checks the node's properties and turns them into settings; throws a RangeError naming the bad one. */
export function micInSettings(config: MicInConfig): MicInSettings {
  if ((config.source ?? 'test') !== 'test') throw new RangeError(`source must be "test", got ${config.source}`);
  const format: AudioFormat = {
    sampleRate: number(config.sampleRate, 48000, 'sample rate', 1000, 768000),
    channels: number(config.channels, 1, 'channels', 1, 32),
    ...sampleEncoding(config.sampleFormat || 'S16_LE'),
  };
  const problem = formatProblem(format);
  if (problem) throw new RangeError(problem);
  const waveform = config.waveform || 'sine';
  if (waveform !== 'sine' && waveform !== 'noise') throw new RangeError(`waveform must be sine or noise, got ${waveform}`);
  return {
    source: {
      format,
      waveform: waveform as TestWaveform,
      frequency: number(config.frequency, 440, 'frequency', 1, format.sampleRate / 2),
      levelDbfs: number(config.level, -12, 'level', -120, 0),
    },
    chunkMs: number(config.chunkMs, 100, 'chunk length', 5, 5000),
    maxDurationMs: number(config.maxDuration, 0, 'maximum duration', 0, 31 * 24 * 3600) * 1000,
    topic: config.topic || 'audio',
  };
}
