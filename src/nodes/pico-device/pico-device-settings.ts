import { FIRMWARE_POLICIES, FirmwarePolicy } from '../../lib/pico/firmware-check';
import { configNumber } from '../shared/config-number';

/** pico-device's properties as the editor saves them. */
export interface PicoDeviceConfig {
  port?: string;
  baud?: string | number;
  firmware?: string;
}

export interface PicoDeviceSettings {
  path: string;
  baudRate: number;
  firmwarePolicy: FirmwarePolicy;
}

/** Checks the config node's properties; throws a RangeError naming the bad one. */
export function picoDeviceSettings(config: PicoDeviceConfig): PicoDeviceSettings {
  const path = config.port?.trim() ?? '';
  if (path === '') throw new RangeError('no serial port: set the port the Pico is on, e.g. /dev/ttyACM0');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f]/.test(path)) throw new RangeError('port must not contain control characters');
  const firmwarePolicy = config.firmware || 'warn';
  if (!(FIRMWARE_POLICIES as readonly string[]).includes(firmwarePolicy)) {
    throw new RangeError(`firmware must be ${FIRMWARE_POLICIES.join(', ')}, got ${firmwarePolicy}`);
  }
  return {
    path,
    baudRate: configNumber(config.baud, 115200, 'baud rate', 300, 4_000_000),
    firmwarePolicy: firmwarePolicy as FirmwarePolicy,
  };
}
