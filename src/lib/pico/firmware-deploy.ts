import { setTimeout as sleep } from 'node:timers/promises';
import { BundledFirmware } from './bundled-firmware';
import { ByteLink } from './byte-link';
import { DeviceHello } from './device-messages';
import { identifyFirmware } from './firmware-identify';
import { fileUpload, uploadMismatch } from './firmware-upload';
import { encodeCommand } from './host-commands';
import { PicoLink } from './pico-link';
import { RawRepl, RawReplOptions } from './raw-repl';

export interface DeployOptions extends RawReplOptions {
  firmware: BundledFirmware;
  /** How long the Pico may take from the soft reset to the new firmware's hello. Default 8000 ms. */
  bootTimeoutMs?: number;
  /** Each step as it begins, for a log. */
  onStep?: (step: string) => void;
}

export interface DeployResult {
  /** What the new firmware's hello says: the bundled firmware's text. */
  firmware: string;
  bytes: number;
  /** Whether the device took raw-paste mode (else plain raw REPL). */
  rawPaste: boolean;
}

/** Time for the firmware to leave its loop on `exit` and for MicroPython to show its prompt. */
const EXIT_SETTLE_MS = 300;
const TARGET = 'main.py';

/**
 * Writes the bundled firmware to the Pico as main.py and starts it, over a link nothing else
 * listens to. Our firmware turns Ctrl-C off while it runs (commands carry arbitrary bytes), so it
 * is asked to `exit` first; then Ctrl-C stops anything else, the raw REPL takes the upload
 * (firmware-upload.ts: chunked, checked by size and CRC on the device, then renamed over
 * main.py), a soft reset starts it, and its hello must name the bundled version.
 */
export async function deployFirmware(link: ByteLink, options: DeployOptions): Promise<DeployResult> {
  const step = options.onStep ?? (() => undefined);
  const { firmware } = options;
  step('stopping the firmware');
  link.write(encodeCommand({ kind: 'exit' }, 0));
  await sleep(EXIT_SETTLE_MS);
  const repl = new RawRepl(link, options);
  try {
    step('entering the raw REPL');
    await repl.enter().catch(() => repl.enter());
    const upload = fileUpload(TARGET, firmware.bytes);
    step(`writing ${firmware.bytes.length} bytes in ${upload.chunks.length} pieces`);
    await repl.exec(upload.open);
    for (const chunk of upload.chunks) await repl.exec(chunk);
    const mismatch = uploadMismatch(upload, await repl.exec(upload.check));
    if (mismatch) throw new Error(mismatch);
    await repl.exec(upload.commit);
    step('restarting the Pico (soft reset)');
    await repl.softReset();
  } catch (err) {
    // Whatever main.py is on the Pico now (the old one, if the upload failed before the rename) should run again.
    await repl.softReset().catch(() => undefined);
    throw err;
  } finally {
    repl.dispose();
  }
  step('waiting for the new firmware');
  const hello = await bootHello(link, options.bootTimeoutMs ?? 8000);
  if (hello?.firmware !== firmware.text) {
    throw new Error(`after the deploy the Pico says ${hello ? `"${hello.firmware}"` : 'nothing'}, expected "${firmware.text}"`);
  }
  return { firmware: hello.firmware, bytes: firmware.bytes.length, rawPaste: repl.rawPaste === true };
}

/** The hello of the firmware that has just booted, or what it answers when asked. */
async function bootHello(link: ByteLink, timeoutMs: number): Promise<DeviceHello | undefined> {
  const pico = new PicoLink(link);
  try {
    const booted = await new Promise<DeviceHello | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (hello: DeviceHello | undefined): void => {
        clearTimeout(timer);
        pico.off('hello', done);
        resolve(hello);
      };
      pico.on('hello', done);
    });
    if (booted) return booted;
    const identity = await identifyFirmware(pico);
    return identity.kind === 'protocol' ? identity.hello : undefined;
  } finally {
    pico.detach();
  }
}
