import { AlsaBackend, createAlsaSource, resolveAlsaBackend } from '../../lib/capture/alsa/alsa-source';
import { AudioConversion } from '../../lib/audio/convert/conversion-options';
import { AudioSource } from '../../lib/capture/audio-source';
import { ConvertedSource } from '../../lib/capture/converted-source';
import { TestSource } from '../../lib/capture/test-source';
import { SourceSettings } from './mic-in-settings';

export interface SourceFactory {
  /** A new source for each recording. */
  create: () => AudioSource;
  /** What captures, for the status: the test signal or the ALSA backend in use. */
  kind: 'test' | AlsaBackend;
}

/**
 * Decides once, when the node starts, what mic-in captures with ('auto' picks the backend
 * here), and wraps each source in the conversion when there is one.
 */
export function sourceFactory(settings: SourceSettings, conversion: AudioConversion | undefined): SourceFactory {
  const converted = (source: AudioSource): AudioSource => (conversion ? new ConvertedSource(source, conversion) : source);
  if (settings.kind === 'test') return { kind: 'test', create: () => converted(new TestSource(settings)) };
  const backend = resolveAlsaBackend(settings.backend);
  return { kind: backend, create: () => converted(createAlsaSource(backend, settings)) };
}
