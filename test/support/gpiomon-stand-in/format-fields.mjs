// Expands gpiomon's --format strings: '%x' takes fields.x (absent: printed as is), '%%' is '%',
// a lone '%' at the end stays. Both versions' tools expand this way.
export function expandFormat(format, fields) {
  let out = '';
  for (let at = 0; at < format.length; at++) {
    const char = format[at];
    if (char !== '%' || at === format.length - 1) {
      out += char;
      continue;
    }
    const specifier = format[++at];
    if (specifier === '%') out += '%';
    else if (specifier in fields) out += fields[specifier]();
    else out += `%${specifier}`;
  }
  return out;
}

export function splitTimestamp(ns) {
  return { seconds: ns / 1_000_000_000n, nanoseconds: ns % 1_000_000_000n };
}
