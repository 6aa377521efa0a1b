import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import { errorStatus } from './status-text';

/**
 * What a node does when its configuration cannot be used: a red status, the reason in the
 * log, and every message it is sent fails with that reason, so Catch nodes see it too.
 */
export function refuseForConfiguration(RED: NodeAPI, node: Node, type: string, err: unknown): void {
  node.status(errorStatus(err));
  node.error(`${RED._(`${type}.errors.config`)}: ${(err as Error).message}`);
  node.on('input', (_msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => done(err as Error));
}
