import type { NodeAPI } from 'node-red';
import type { PicoButtonSource } from '../../lib/gpio/pico-button-watcher';
import type { DeployResult } from '../../lib/pico/firmware-deploy';
import type { ConnectionStatus } from '../../lib/pico/pico-connection';
import type { PicoLink } from '../../lib/pico/pico-link';

/**
 * What a pico-device config node offers the nodes that use it: mic-in with source 'pico', and
 * button-trigger with source 'pico' (a PicoButtonSource: onButton, onStatus). Each on... method
 * returns its unsubscribe function.
 */
export interface PicoDeviceApi extends PicoButtonSource {
  /** The serial port's path, as configured: what msg.audio.source.device says. */
  readonly path: string;
  /** The link to stream on now, or undefined while the Pico is not connected with usable firmware. */
  link(): PicoLink | undefined;
  /** Called at once when a link is up, and with each new one (after a reconnect or a deploy). */
  onLink(listener: (link: PicoLink) => void): () => void;
  /** The connection's state now. */
  status(): ConnectionStatus;
  /** Called at once with the current status, then on every change. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Writes the bundled firmware to the Pico (the editor's deploy button). */
  deployFirmware(): Promise<DeployResult>;
}

/** The deployed pico-device config node with this id, or undefined (not deployed, or not a pico-device). */
export function findPicoDevice(RED: NodeAPI, id: string): PicoDeviceApi | undefined {
  const node = RED.nodes.getNode(id) as unknown as Partial<PicoDeviceApi> | null;
  return node && typeof node.link === 'function' && typeof node.onLink === 'function' ? (node as PicoDeviceApi) : undefined;
}
