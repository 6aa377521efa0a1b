import type { GpioLineRequest } from './line-request';

/** What went wrong, for a node that words its status or decides whether a retry can help. */
export type GpioWatchErrorKind =
  | 'command-missing'
  | 'command-unusable'
  | 'unsupported-version'
  | 'chip-missing'
  | 'line-missing'
  | 'line-busy'
  | 'permission'
  | 'bad-arguments'
  | 'exited';

export class GpioWatchError extends Error {
  constructor(
    readonly kind: GpioWatchErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GpioWatchError';
  }
}

/** The error of a gpiomon that could not be started at all. */
export function explainSpawnError(err: Error & { code?: unknown }, command: string): GpioWatchError {
  if (err.code === 'ENOENT') {
    return new GpioWatchError('command-missing', 'gpiomon not found: install the gpiod package (sudo apt install gpiod)', { cause: err });
  }
  const why = err.code === 'EACCES' ? 'permission denied (not executable?)' : err.message;
  return new GpioWatchError('command-unusable', `cannot run ${command}: ${why}`, { cause: err });
}

/** A GpioWatchError as it is; anything else thrown around a spawn, as a spawn error. */
export function asWatchError(err: unknown, command: string): GpioWatchError {
  if (err instanceof GpioWatchError) return err;
  return explainSpawnError(err instanceof Error ? err : new Error(String(err)), command);
}

/**
 * Turns what gpiomon wrote on stderr before it exited into a clear error. 1.x reports every
 * failure to get the line as "error waiting for events: <strerror>"; 2.x words each one
 * ("cannot find GPIO chip character device ...", "unable to request lines on chip ...: Device
 * or resource busy", "offset N is out of range ..."), so the errno text is the common key.
 */
export function explainGpiomonExit(
  stderr: readonly string[],
  code: number | null,
  signal: NodeJS.Signals | null,
  request: Pick<GpioLineRequest, 'chip' | 'line'>,
): GpioWatchError {
  const said = stderr.map((line) => line.trim()).filter((line) => line !== '');
  const text = said.join('\n');
  const { chip, line } = request;
  if (/Device or resource busy/.test(text)) {
    return new GpioWatchError('line-busy', `GPIO line ${line} on ${chip} is busy: another program or a kernel driver holds it`);
  }
  if (/Permission denied/.test(text)) {
    return new GpioWatchError('permission', `no permission to open ${chip}: add the Node-RED user to the gpio group (sudo usermod -aG gpio <user>) and restart Node-RED`);
  }
  if (/cannot find GPIO chip|No such file or directory|No such device/.test(text)) {
    return new GpioWatchError('chip-missing', `GPIO chip ${chip} not found (gpiodetect lists the chips)`);
  }
  if (/out of range|cannot find line|Invalid argument/.test(text)) {
    return new GpioWatchError('line-missing', `GPIO line ${line} does not exist on ${chip} (gpioinfo ${chip} lists its lines)`);
  }
  // Our argument list did not suit this gpiomon: a bug here, or a version we do not know.
  if (/unrecognized option|invalid option|requires an argument|invalid (bias|edges|event clock)|must be specified|--help/.test(text)) {
    return new GpioWatchError('bad-arguments', `gpiomon rejected its arguments: ${said[0] ?? ''}`);
  }
  const ending = signal ? `killed by ${signal}` : `exit code ${code}`;
  const lastWords = said.at(-1);
  return new GpioWatchError('exited', `gpiomon ended (${ending})${lastWords ? `: ${lastWords}` : ''}`);
}
