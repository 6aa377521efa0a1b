import type { NodeAPI } from 'node-red';
import { listSerialPorts } from '../../lib/pico/serial-port-list';
import { findPicoDevice } from './pico-device-api';

/**
 * GET <admin root>/pico-device/ports (users who may read pico-device settings): the serial ports
 * for the editor's picker. POST <admin root>/pico-device/<id>/deploy (users who may change them):
 * writes the bundled firmware to that deployed config node's Pico and answers once it runs.
 */
export function registerPortEndpoints(RED: NodeAPI): void {
  RED.httpAdmin.get('/pico-device/ports', RED.auth.needsPermission('pico-device.read'), (_req, res) => {
    listSerialPorts().then(
      (listing) => res.json(listing),
      (err: Error) => res.status(500).json({ ports: [], problems: [err.message] }),
    );
  });
  RED.httpAdmin.post('/pico-device/:id/deploy', RED.auth.needsPermission('pico-device.write'), (req, res) => {
    const device = findPicoDevice(RED, String(req.params.id));
    if (!device) {
      res.status(404).json({ error: RED._('pico-device.errors.notDeployed') });
      return;
    }
    device.deployFirmware().then(
      (result) => res.json(result),
      (err: Error) => res.status(500).json({ error: err.message }),
    );
  });
}
