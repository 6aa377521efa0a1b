import type { NodeAPI } from 'node-red';
import { CaptureDevice, listArecordDevices } from '../../lib/capture/alsa/arecord-device-list';
import { listPortAudioCaptureDevices } from '../../lib/capture/alsa/portaudio-source';

export interface DeviceListing {
  devices: (CaptureDevice & { channels?: number })[];
  /** Why a lister could not answer (arecord missing, naudiodon not built): the picker still shows the rest. */
  problems: string[];
}

/** Capture devices for the editor's picker: arecord -L's names, with PortAudio's channel counts where it has them. */
export async function listCaptureDevices(): Promise<DeviceListing> {
  const problems: string[] = [];
  const devices: DeviceListing['devices'] = await listArecordDevices().catch((err: Error) => {
    problems.push(`arecord -L: ${err.message}`);
    return [];
  });
  const portAudio = listPortAudioCaptureDevices();
  if (portAudio instanceof Error) {
    problems.push(`PortAudio: ${portAudio.message}`);
    return { devices, problems };
  }
  for (const entry of portAudio) {
    const known = devices.find((device) => device.name === entry.name);
    if (known) known.channels = entry.channels;
    else devices.push({ name: entry.name, description: 'PortAudio', channels: entry.channels });
  }
  return { devices, problems };
}

/** GET <admin root>/mic-in/devices, for users allowed to read mic-in's settings. */
export function registerDeviceEndpoint(RED: NodeAPI): void {
  RED.httpAdmin.get('/mic-in/devices', RED.auth.needsPermission('mic-in.read'), (_req, res) => {
    listCaptureDevices().then(
      (listing) => res.json(listing),
      (err: Error) => res.status(500).json({ devices: [], problems: [err.message] }),
    );
  });
}
