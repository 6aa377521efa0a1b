import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface PtyPair {
  /** The end a device stand-in opens. */
  devicePath: string;
  /** The end the host opens, as it would /dev/ttyACM0. */
  hostPath: string;
  /** socat's process id (to check that it does not outlive close()). */
  pid: number;
  close(): Promise<void>;
}

/** Two linked ptys made by socat (raw, no echo), as symlinks in `dir`. */
export async function startPtyPair(dir: string): Promise<PtyPair> {
  const devicePath = join(dir, 'device');
  const hostPath = join(dir, 'host');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const killOnExit = (): void => {
    socat.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  try {
    await new Promise<void>((resolve, reject) => {
      let text = '';
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`socat did not start: ${text}`)), 5000);
      socat.once('error', fail);
      socat.once('exit', (code) => fail(new Error(`socat exited (${code}): ${text}`)));
      socat.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('starting data transfer loop')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    killOnExit();
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    devicePath,
    hostPath,
    pid: socat.pid!,
    close: async () => {
      process.removeListener('exit', killOnExit);
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
    },
  };
}
