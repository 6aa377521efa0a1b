import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
      .once('connect', () => {
        socket.destroy();
        resolve(true);
      })
      .once('error', () => resolve(false));
  });
}

/** A real Mosquitto broker on a free loopback port, anonymous, nothing persisted. */
export class Mosquitto {
  private constructor(
    readonly port: number,
    private readonly broker: ChildProcess,
    private readonly directory: string,
    private readonly output: { text: string },
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<Mosquitto> {
    const directory = await mkdtemp(join(tmpdir(), 'mosquitto-'));
    const port = await freePort();
    const config = join(directory, 'mosquitto.conf');
    await writeFile(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`);
    // Debian installs the broker in /usr/sbin, which a user's PATH may not include.
    const broker = spawn('/usr/sbin/mosquitto', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { text: '' };
    for (const stream of [broker.stdout, broker.stderr]) stream.on('data', (data: Buffer) => (output.text += data.toString()));
    const mosquitto = new Mosquitto(port, broker, directory, output);
    await waitFor(async () => {
      if (broker.exitCode !== null) throw new Error(`mosquitto exited: ${output.text}`);
      return (await accepts(port)) || undefined;
    }, 'mosquitto to listen', 10_000);
    return mosquitto;
  }

  get log(): string {
    return this.output.text;
  }

  async stop(): Promise<void> {
    if (this.broker.exitCode === null && this.broker.signalCode === null) {
      const exited = once(this.broker, 'exit');
      this.broker.kill('SIGTERM');
      await exited;
    }
    await rm(this.directory, { recursive: true, force: true });
  }
}
