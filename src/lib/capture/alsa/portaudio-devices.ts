import { SourceFailure } from '../audio-source';
import { DeviceBusyError } from './busy-retry';
import { loadNaudiodon, NaudiodonDevice } from './naudiodon-loader';

export interface PortAudioCaptureDevice {
  /** The name to configure: an ALSA PCM name, or PortAudio's "<card>: <device> (hw:C,D)" for a card. */
  name: string;
  channels: number;
  defaultSampleRate: number;
}

/**
 * The devices PortAudio can capture from now, for the editor's device picker, or why it
 * cannot tell. Each call makes PortAudio enumerate (and briefly open) every ALSA device.
 */
export function listPortAudioCaptureDevices(): PortAudioCaptureDevice[] | Error {
  const naudiodon = loadNaudiodon();
  if (naudiodon instanceof Error) return naudiodon;
  try {
    return naudiodon
      .getDevices()
      .filter((device) => device.maxInputChannels > 0)
      .map((device) => ({ name: device.name, channels: device.maxInputChannels, defaultSampleRate: device.defaultSampleRate }));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * naudiodon's deviceId for an ALSA device name. PortAudio lists the PCMs of the ALSA
 * configuration under their own names ("default", a PCM from asoundrc) and cards as
 * "<card>: <device> (hw:C,D)", which `hw:C,D` also finds. Throws a SourceFailure for a name
 * it does not list or too many channels, a DeviceBusyError when the capture side did not open.
 */
export function captureDeviceId(devices: NaudiodonDevice[], name: string, channels: number): number {
  const device = devices.find((candidate) => candidate.name === name) ?? findCard(devices, name);
  if (!device) {
    if (name === 'default') return -1; // PortAudio's default input
    const available = devices.filter((candidate) => candidate.maxInputChannels > 0).map((candidate) => `"${candidate.name}"`);
    throw new SourceFailure(`no capture device "${name}"; PortAudio lists ${available.length > 0 ? available.join(', ') : 'none'}`, 'error');
  }
  // PortAudio probes each device as it lists it; a capture side it could not open shows no channels.
  if (device.maxInputChannels === 0) {
    throw new DeviceBusyError(`"${name}" cannot be opened for capture: another program is using it, or it has no capture side`);
  }
  if (channels > device.maxInputChannels) {
    throw new SourceFailure(`"${name}" cannot capture ${channels} channels; it has ${device.maxInputChannels}`, 'error');
  }
  return device.id;
}

function findCard(devices: NaudiodonDevice[], name: string): NaudiodonDevice | undefined {
  const hw = /^hw:(\d+)(?:,(\d+))?$/.exec(name);
  if (!hw) return undefined;
  const suffix = `(hw:${hw[1]},${hw[2] ?? 0})`;
  return devices.find((candidate) => candidate.name.endsWith(suffix));
}
