// Command-line parsing as glibc's getopt_long does it for gpiomon: short options (bundled,
// with the value attached or next), long options (--name=value or --name value), option
// parsing stopping at the first operand ('+' in gpiomon's optstring) or at '--', and glibc's
// messages for mistakes. Long options must be spelled out: glibc's abbreviations are not taken.

export class UsageError extends Error {}

/**
 * `spec` lists { long?, short?, arg: boolean }. Returns the options in order as
 * [{ name, value }] (name: the long name, or the short letter when there is none) and the operands.
 */
export function getoptLong(args, spec) {
  const options = [];
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg.startsWith('--')) {
      const [name, attached] = splitOnce(arg.slice(2), '=');
      const option = spec.find((o) => o.long === name);
      if (!option) throw new UsageError(`unrecognized option '--${name}'`);
      if (!option.arg && attached !== undefined) throw new UsageError(`option '--${name}' doesn't allow an argument`);
      let value = attached;
      if (option.arg && value === undefined) {
        if (index + 1 >= args.length) throw new UsageError(`option '--${name}' requires an argument`);
        value = args[++index];
      }
      options.push({ name: option.long, value });
      continue;
    }
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at];
      const option = spec.find((o) => o.short === letter);
      if (!option) throw new UsageError(`invalid option -- '${letter}'`);
      if (!option.arg) {
        options.push({ name: option.long ?? letter, value: undefined });
        continue;
      }
      let value = arg.slice(at + 1);
      if (value === '') {
        if (index + 1 >= args.length) throw new UsageError(`option requires an argument -- '${letter}'`);
        value = args[++index];
      }
      options.push({ name: option.long ?? letter, value });
      break;
    }
  }
  return { options, operands: args.slice(index) };
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
