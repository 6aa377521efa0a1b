/**
 * Bias of the button's input line. 'as-is' leaves whatever the device tree or an earlier
 * user set; 'pull-up' suits the usual button wired to ground (then use active-low).
 */
export type GpioBias = 'as-is' | 'pull-up' | 'pull-down' | 'disable';

export const GPIO_BIASES: readonly GpioBias[] = ['as-is', 'pull-up', 'pull-down', 'disable'];

/** The one GPIO line a button watcher asks gpiomon to watch. */
export interface GpioLineRequest {
  /** Chip name ("gpiochip0"), number ("0") or path ("/dev/gpiochip0"); both gpiomon versions take each. */
  chip: string;
  /** Line offset on the chip. */
  line: number;
  bias: GpioBias;
  /** The kernel inverts the line, so a button to ground reads active (rising) when pressed. */
  activeLow: boolean;
}

/** Throws on a request gpiomon would misread: a chip name that looks like an option, a line that is no offset. */
export function assertLineRequest(request: GpioLineRequest): void {
  if (request.chip.trim() === '' || request.chip.startsWith('-')) throw new RangeError(`not a GPIO chip: "${request.chip}"`);
  if (!Number.isSafeInteger(request.line) || request.line < 0) throw new RangeError(`not a GPIO line offset: ${request.line}`);
  if (!GPIO_BIASES.includes(request.bias)) throw new RangeError(`bias must be one of ${GPIO_BIASES.join(', ')}, got ${String(request.bias)}`);
}
