import { AlsaBackend, createAlsaSource, resolveAlsaBackend } from '../../lib/capture/alsa/alsa-source';
import { AudioConversion } from '../../lib/audio/convert/conversion-options';
import { AudioSource, SourceFailure } from '../../lib/capture/audio-source';
import { ConvertedSource } from '../../lib/capture/converted-source';
import { TestSource } from '../../lib/capture/test-source';
import { PicoAudioSource } from '../../lib/pico/pico-audio-source';
import type { PicoDeviceApi } from '../pico-device/pico-device-api';
import { SourceSettings } from './mic-in-settings';

export interface SourceFactory {
  /** A new source for each recording. */
  create: () => AudioSource;
  /** What captures, for the status: the test signal, the ALSA backend in use, or a Pico. */
  kind: 'test' | AlsaBackend | 'pico';
}

/**
 * Decides once, when the node starts, what mic-in captures with ('auto' picks the backend
 * here), and wraps each source in the conversion when there is one. A Pico source streams on
 * the link its pico-device has at the time, which is why `pico` comes in with source 'pico'.
 */
export function sourceFactory(settings: SourceSettings, conversion: AudioConversion | undefined, pico?: PicoDeviceApi): SourceFactory {
  const converted = (source: AudioSource): AudioSource => (conversion ? new ConvertedSource(source, conversion) : source);
  if (settings.kind === 'test') return { kind: 'test', create: () => converted(new TestSource(settings)) };
  if (settings.kind === 'pico') {
    if (!pico) throw new RangeError(`the Pico chosen (${settings.pico}) is not deployed: pick a pico-device in the Pico field`);
    return { kind: 'pico', create: () => converted(picoSource(pico, settings.format.sampleRate)) };
  }
  const backend = resolveAlsaBackend(settings.backend);
  return { kind: backend, create: () => converted(createAlsaSource(backend, settings)) };
}

function picoSource(pico: PicoDeviceApi, sampleRate: number): AudioSource {
  const link = pico.link();
  if (!link) throw new SourceFailure(`${pico.path}: the Pico is not connected (${pico.status().text})`, 'error');
  return new PicoAudioSource({ link, device: pico.path, sampleRate });
}
