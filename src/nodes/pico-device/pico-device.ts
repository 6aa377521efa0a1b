import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { PicoButtonEdge } from '../../lib/gpio/pico-button-watcher';
import { loadBundledFirmware } from '../../lib/pico/bundled-firmware';
import { FirmwareVerdict } from '../../lib/pico/firmware-check';
import { DeployResult } from '../../lib/pico/firmware-deploy';
import { ConnectionStatus, PicoConnection } from '../../lib/pico/pico-connection';
import { PicoLink } from '../../lib/pico/pico-link';
import { closeWhenSettled } from '../shared/message-outcome';
import { ListenerSet } from './listener-set';
import { PicoDeviceApi } from './pico-device-api';
import { PicoDeviceConfig, picoDeviceSettings, PicoDeviceSettings } from './pico-device-settings';
import { registerPortEndpoints } from './port-endpoint';

type PicoDeviceDef = NodeDef & PicoDeviceConfig;

/** What stands behind the API: the connection, or a configuration that could not make one. */
interface Backend {
  path: string;
  link(): PicoLink | undefined;
  status(): ConnectionStatus;
  deploy(): Promise<DeployResult>;
}

export = function registerPicoDevice(RED: NodeAPI): void {
  /**
   * The configuration node for one Pico: one serial connection, shared by every node that
   * uses it through the interface of pico-device-api.ts on the node object.
   */
  function PicoDeviceNode(this: Node & PicoDeviceApi, config: PicoDeviceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const reportListenerError = (err: unknown): void => node.error(`${RED._('pico-device.errors.listener')}: ${(err as Error).message}`);
    const links = new ListenerSet<PicoLink>(reportListenerError);
    const buttons = new ListenerSet<PicoButtonEdge>(reportListenerError);
    const statuses = new ListenerSet<ConnectionStatus>(reportListenerError);
    const expose = (backend: Backend): void => {
      const api: PicoDeviceApi = {
        path: backend.path,
        link: backend.link,
        status: backend.status,
        onLink: (listener) => {
          const up = backend.link();
          if (up) links.call(listener, up);
          return links.add(listener);
        },
        onButton: (listener) => buttons.add(listener),
        onStatus: (listener) => {
          statuses.call(listener, backend.status());
          return statuses.add(listener);
        },
        deployFirmware: backend.deploy,
      };
      Object.assign(node, api);
    };
    node.on('close', () => {
      links.clear();
      buttons.clear();
      statuses.clear();
    });

    let settings: PicoDeviceSettings;
    let connection: PicoConnection;
    try {
      settings = picoDeviceSettings(config);
      connection = new PicoConnection({ ...settings, firmware: loadBundledFirmware() });
    } catch (err) {
      const message = `${RED._('pico-device.errors.config')}: ${(err as Error).message}`;
      node.error(message);
      const failed: ConnectionStatus = { state: 'error', text: message };
      expose({ path: config.port ?? '', link: () => undefined, status: () => failed, deploy: () => Promise.reject(new Error(message)) });
      return;
    }

    connection.on('link', (link) => {
      link.on('button', (edge) => buttons.emit({ pin: edge.pin, pressed: edge.pressed, ticksMs: edge.ticks }));
      links.emit(link);
    });
    connection.on('status', (status) => {
      // Comings and goings of the Pico belong in the log; the steps in between (opening, identifying) do not.
      if (status.state !== 'connecting') node.log(status.text);
      statuses.emit(status);
    });
    connection.on('firmware', (verdict: FirmwareVerdict) => node.warn(RED._(`pico-device.warnings.${verdict.kind}`, { text: verdict.text })));
    connection.on('log', (text) => node.log(text));
    expose({ path: settings.path, link: () => connection.link, status: () => connection.status, deploy: () => connection.deploy() });
    connection.start();

    node.on('close', (_removed: boolean, done: () => void) => closeWhenSettled(node, connection.close(), done));
  }

  RED.nodes.registerType('pico-device', PicoDeviceNode);
  registerPortEndpoints(RED);
};
