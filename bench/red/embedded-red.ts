import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import RED from 'node-red';
import type { Node } from 'node-red';
import type { RuntimeNodes } from './bench-node-types';

/** A node of the flow the bench deploys, as in a flows.json. */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [property: string]: unknown;
}

const PACKAGE_ROOT = resolve(__dirname, '../..');
const BENCH_NODES = join(__dirname, 'bench-nodes.ts');
const FLOWS_STARTED_TIMEOUT_MS = 30_000;

/**
 * Node-RED itself, embedded in the bench process with Node-RED's embedding API
 * (RED.init + RED.start), loading this package's built nodes the way an installed
 * package is loaded: from `<userDir>/node_modules`, through package.json's "node-red"
 * section, so dist/nodes/<type>/<type>.js is require()d by the real registry.
 *
 * Why not node-red-node-test-helper: it wraps Node.prototype.send, status, log... in
 * sinon spies, and a spy keeps the arguments of every call. Every 300 KB chunk passing a
 * node.send() would stay reachable for the rest of the run, so RSS would measure the
 * helper, not the writer. Why in-process rather than a separate Node-RED: the process's
 * own RSS and CPU time then cover exactly the runtime and the nodes (plus the small
 * feeder), and the bench can hand chunks to a node without an HTTP or IPC hop that would
 * cost more than the writer. The message path is production's: node.send() -> Flow
 * routing with asynchronous delivery -> hooks -> the node's input(msg, send, done).
 */
export class EmbeddedRed {
  private constructor(private readonly nodes: RuntimeNodes) {}

  static async start(userDir: string, flow: FlowNode[]): Promise<EmbeddedRed> {
    installModules(userDir);
    writeFileSync(join(userDir, 'flows.json'), JSON.stringify([{ id: 'bench-tab', type: 'tab', label: 'bench' }, ...flow.map((node) => ({ z: 'bench-tab', ...node }))]));
    // Node-RED's settings.js keys; uiHost/uiPort are required by the type but unused: nothing listens.
    const settings: Parameters<typeof RED.init>[1] & Record<string, unknown> = {
      uiHost: '127.0.0.1',
      uiPort: 0,
      userDir,
      flowFile: 'flows.json',
      credentialSecret: false,
      httpAdminRoot: false,
      httpNodeRoot: false,
      disableEditor: true,
      logging: { console: { level: 'error', metrics: false, audit: false } },
      diagnostics: { enabled: false },
      telemetry: { enabled: false },
      externalModules: { autoInstall: false },
    };
    RED.init(createServer(), settings);
    const started = new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`Node-RED flows did not start within ${FLOWS_STARTED_TIMEOUT_MS} ms (missing node types?)`)), FLOWS_STARTED_TIMEOUT_MS);
      RED.events.once('flows:started', () => {
        clearTimeout(timer);
        done();
      });
    });
    await RED.start();
    await started;
    return new EmbeddedRed(RED.nodes as unknown as RuntimeNodes);
  }

  node<T extends Node>(id: string): T {
    const node = this.nodes.getNode(id);
    if (!node) throw new Error(`node ${id} is not running (its type failed to load?)`);
    return node as T;
  }

  async stop(): Promise<void> {
    await RED.stop();
  }
}

/** Links this package into the user directory and adds the bench's own node types beside it. */
function installModules(userDir: string): void {
  const modules = join(userDir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(PACKAGE_ROOT, join(modules, 'node-red-contrib-audio-capture'), 'dir');
  const bench = join(modules, 'audio-capture-bench-nodes');
  mkdirSync(bench);
  writeFileSync(
    join(bench, 'package.json'),
    JSON.stringify({ name: 'audio-capture-bench-nodes', version: '0.0.0', 'node-red': { nodes: { 'bench-nodes': 'bench-nodes.js' } } }),
  );
  // The bench runs under tsx, whose require hook compiles the TypeScript node module.
  writeFileSync(join(bench, 'bench-nodes.js'), `module.exports = require(${JSON.stringify(BENCH_NODES)});\n`);
  const editor = (type: string): string => `<script type="text/javascript">RED.nodes.registerType('${type}', { category: 'bench', defaults: {}, inputs: 1, outputs: 1 });</script>`;
  writeFileSync(join(bench, 'bench-nodes.html'), ['bench-port', 'bench-hold-wav', 'bench-drop', 'bench-stall'].map(editor).join('\n'));
}
