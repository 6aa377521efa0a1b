import { join } from 'node:path';
import type { PcmLayout } from '../audio/pcm-wav-header';
import { writeAlsaConfig, writeCountingSamples32 } from './stand-in';

/**
 * The device of benchmark 4: a regular-file stand-in holding `seconds` of 8 ch x 96 kHz x
 * S32_LE (the MATRIX Voice's format), 184 MB for 60 s. Unpaced: it delivers as fast as it is
 * read, so a capture of all of it measures CPU, not waiting.
 */
export const CPU_DEVICE = {
  name: 'matrix8',
  layout: { sampleRate: 96000, channels: 8, bitDepth: 32 } satisfies PcmLayout,
  sampleFormat: 'S32_LE',
  seconds: 60,
};

export const cpuDeviceFrames = (): number => CPU_DEVICE.seconds * CPU_DEVICE.layout.sampleRate;
export const cpuDeviceInfile = (directory: string): string => join(directory, `${CPU_DEVICE.name}.raw`);
export const cpuDeviceConfig = (directory: string): string => join(directory, 'asoundrc');

/** Writes the device's audio (a counting pattern) and its ALSA configuration into `directory`. */
export function prepareCpuDevice(directory: string): void {
  writeCountingSamples32(cpuDeviceInfile(directory), cpuDeviceFrames() * CPU_DEVICE.layout.channels);
  writeAlsaConfig(cpuDeviceConfig(directory), [{ name: CPU_DEVICE.name, infile: cpuDeviceInfile(directory) }]);
}
