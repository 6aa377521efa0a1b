/**
 * Runs Python code in the MicroPython WebAssembly port with the firmware importable as `main`
 * (not run: its __name__ is then 'main'), for unit tests of firmware parts. Started by
 * runFirmwarePython() in run-python.ts: node --import tsx run-python-child.ts <firmware path>,
 * the code on stdin; what the code prints comes back on stdout, a Python exception on stderr.
 */
import { readFileSync } from 'node:fs';

async function main(): Promise<void> {
  const { loadMicroPython } = await import('@micropython/micropython-webassembly-pyscript');
  const mp = await loadMicroPython({ linebuffer: false, stdout: (bytes) => process.stdout.write(bytes) });
  mp.FS.writeFile('/main.py', readFileSync(process.argv[2]!));
  mp.runPython("import os\nos.chdir('/')");
  try {
    mp.runPython(readFileSync(0, 'utf8'));
  } catch (error) {
    process.stderr.write((error as Error).message);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(String(error));
  process.exitCode = 1;
});
