import type { NodeMessage } from 'node-red';
import type { BenchPortNode } from './bench-node-types';

/** The next message a bench-port node receives (for example wav-writer's "recording finished"). */
export function nextMessage(port: BenchPortNode, timeoutMs: number): Promise<NodeMessage> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      port.listener = undefined;
      fail(new Error(`no message reached ${port.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    port.listener = (msg) => {
      clearTimeout(timer);
      port.listener = undefined;
      done(msg);
    };
  });
}
