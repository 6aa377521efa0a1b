/**
 * The pico-device a node's `pico` property names. The editor saves '' when none was picked
 * and '_ADD_' when the dialog was left on "Add new pico-device...".
 */
export function chosenPico(value: string | undefined): string {
  const pico = value?.trim() ?? '';
  if (pico === '' || pico === '_ADD_') throw new RangeError('no Pico chosen: pick a pico-device in the Pico field');
  return pico;
}
