import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { PicoButtonEdge, PicoButtonSource } from '../../src/lib/gpio/pico-button-watcher';
import type { ConnectionStatus } from '../../src/lib/pico/pico-connection';

/** A Pico connection as the pico-device config node offers it to button-trigger, driven by the test. */
export class FakePicoButtons implements PicoButtonSource {
  private readonly buttonListeners = new Set<(edge: PicoButtonEdge) => void>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();

  onButton(listener: (edge: PicoButtonEdge) => void): () => void {
    this.buttonListeners.add(listener);
    return () => this.buttonListeners.delete(listener);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** The firmware reports an edge of the button on `pin`. */
  edge(pressed: boolean, ticksMs: number, pin = 15): void {
    for (const listener of this.buttonListeners) listener({ pin, pressed, ticksMs });
  }

  status(state: ConnectionStatus['state'], text: string = state): void {
    for (const listener of this.statusListeners) listener({ state, text });
  }

  get listeners(): number {
    return this.buttonListeners.size + this.statusListeners.size;
  }
}

/** The config node instances of the fake type, by id. */
export const fakePicoDevices = new Map<string, FakePicoButtons>();

/**
 * A minimal 'pico-device' config node type for node tests: each node is a FakePicoButtons
 * (onButton / onStatus, as agreed with the real pico-device), reachable through fakePicoDevices.
 */
export function fakePicoDeviceNode(RED: NodeAPI): void {
  function FakePicoDevice(this: Node, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    const buttons = new FakePicoButtons();
    Object.assign(this, { onButton: buttons.onButton.bind(buttons), onStatus: buttons.onStatus.bind(buttons) });
    fakePicoDevices.set(this.id, buttons);
    this.on('close', () => fakePicoDevices.delete(this.id));
  }
  RED.nodes.registerType('pico-device', FakePicoDevice);
}
