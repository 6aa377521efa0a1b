import { AudioFormat } from '../../audio/format';
import { AudioSource } from '../audio-source';
import { ArecordSource } from './arecord-source';
import { loadNaudiodon } from './naudiodon-loader';
import { PortAudioSource } from './portaudio-source';

export type AlsaBackend = 'portaudio' | 'arecord';
export type AlsaBackendChoice = AlsaBackend | 'auto';

export interface AlsaSourceOptions {
  /** ALSA PCM name: default, hw:1,0, plughw:CARD=Device,DEV=0, a PCM from asoundrc... */
  device: string;
  format: AudioFormat;
  /** ALSA period: the device delivers audio in pieces of this length. */
  periodMs: number;
  /** ALSA buffer: how long a stall of Node-RED the device absorbs before it loses audio. */
  bufferMs: number;
}

/** 'auto' is PortAudio where naudiodon loads (it does not build on 64-bit ARM), else arecord. */
export function resolveAlsaBackend(choice: AlsaBackendChoice): AlsaBackend {
  if (choice !== 'auto') return choice;
  return loadNaudiodon() instanceof Error ? 'arecord' : 'portaudio';
}

export function createAlsaSource(backend: AlsaBackend, options: AlsaSourceOptions): AudioSource {
  return backend === 'portaudio' ? new PortAudioSource(options) : new ArecordSource(options);
}
