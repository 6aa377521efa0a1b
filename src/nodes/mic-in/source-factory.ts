import { AlsaBackend, createAlsaSource, resolveAlsaBackend } from '../../lib/capture/alsa/alsa-source';
import { AudioSource } from '../../lib/capture/audio-source';
import { TestSource } from '../../lib/capture/test-source';
import { SourceSettings } from './mic-in-settings';

export interface SourceFactory {
  /** A new source for each recording. */
  create: () => AudioSource;
  /** What captures, for the status: the test signal or the ALSA backend in use. */
  kind: 'test' | AlsaBackend;
}

/** Decides once, when the node starts, what mic-in captures with ('auto' picks the backend here). */
export function sourceFactory(settings: SourceSettings): SourceFactory {
  if (settings.kind === 'test') return { kind: 'test', create: () => new TestSource(settings) };
  const backend = resolveAlsaBackend(settings.backend);
  return { kind: backend, create: () => createAlsaSource(backend, settings) };
}
