import type { Node, NodeMessage, NodeStatus } from 'node-red';
import helper from 'node-red-node-test-helper';

helper.init(require.resolve('node-red'));

// The built nodes, as Node-RED loads them.
import buttonTriggerNode from '../../dist/nodes/button-trigger/button-trigger';
import micInNode from '../../dist/nodes/mic-in/mic-in';
import picoDeviceNode from '../../dist/nodes/pico-device/pico-device';
import sdCardNode from '../../dist/nodes/sd-card/sd-card';
import sdStoreNode from '../../dist/nodes/sd-store/sd-store';
import wavWriterNode from '../../dist/nodes/wav-writer/wav-writer';

export { buttonTriggerNode, helper, micInNode, picoDeviceNode, sdCardNode, sdStoreNode, wavWriterNode };

/** Collects the messages that reach a helper node, to await them by condition. */
export class MessageLog<T extends NodeMessage = NodeMessage> {
  readonly messages: T[] = [];
  private waiters: (() => void)[] = [];

  constructor(node: Node) {
    node.on('input', (msg: NodeMessage) => {
      this.messages.push(msg as T);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Resolves with the first message (from `from` on) that matches, or rejects after `timeoutMs`. */
  async next(match: (msg: T) => boolean = () => true, timeoutMs = 5000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms (got ${this.messages.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** A node in a test flow: receive() injects a message, as a wire would. */
export type TestNode = Node & { receive(msg: object): void };

/** A node of a test flow definition. */
export type FlowNode = { id: string; type: string } & Record<string, unknown>;

/** Calls `listener` with the arguments of each call of a node method (the helper spies on send, status, error...). */
export function onCall<T>(node: Node, method: 'send' | 'status' | 'error' | 'warn', listener: (arg: T) => void): void {
  (node as unknown as NodeJS.EventEmitter).on(`call:${method}`, (call: { args: [T] }) => listener(call.args[0]));
}

/** Every status a node has shown since it was created (the helper spies on Node.prototype.status). */
export function statusCalls(node: Node): NodeStatus[] {
  const spy = (node as unknown as { status: { getCalls(): { thisValue: unknown; args: unknown[] }[] } }).status;
  return spy.getCalls().filter((call) => call.thisValue === node).map((call) => call.args[0] as NodeStatus);
}
