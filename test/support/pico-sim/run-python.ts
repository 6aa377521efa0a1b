import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FIRMWARE_PATH } from './index';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs `code` under the MicroPython WebAssembly port in a child process (one MicroPython per
 * process), with the firmware importable as `main`. Resolves with what it printed; rejects with
 * the Python traceback.
 */
export function runFirmwarePython(code: string, firmwarePath = FIRMWARE_PATH): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'run-python-child.ts'), firmwarePath], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`MicroPython failed (${code}):\n${stderr}\n${stdout}`))));
    child.stdin.end(code);
  });
}
