/** A checkbox property of a node's configuration: the editor saves a boolean, an imported flow may hold "true". */
export function configFlag(value: boolean | string | undefined): boolean {
  return value === true || value === 'true';
}
