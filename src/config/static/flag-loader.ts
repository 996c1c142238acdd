import { ConfigError, quote } from '../errors.js';
import { setPath, type RawTree } from './raw-tree.js';
import { kindAt, type Shape } from './shape.js';

/** One command-line flag, as given. */
export interface FlagArgument {
  /** The key without dashes, in the user's spelling: `entryPoints.web.address`. */
  readonly name: string;
  readonly value: string;
  /** How the flag was written, for messages: `--entryPoints.web.address=:80`. */
  readonly text: string;
}

/**
 * Splits the arguments into flags as paerser's flag parser does: `-name` or `--name`; `--name=value`;
 * a bare boolean or section flag is `true`; any other bare flag takes the next argument as its value.
 * Differs from paerser: an argument that is not a flag is an error rather than silently ending the flags,
 * and a flag that needs a value does not swallow a following `--flag`.
 */
export function parseFlagArguments(argv: readonly string[], shape: Shape): { flags: FlagArgument[]; errors: ConfigError[] } {
  const flags: FlagArgument[] = [];
  const errors: ConfigError[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') {
      for (const rest of argv.slice(index + 1)) errors.push(new ConfigError('', `unexpected argument ${quote(rest)}`));
      break;
    }
    if (argument.length < 2 || !argument.startsWith('-')) {
      errors.push(new ConfigError('', `unexpected argument ${quote(argument)}; flags look like "--entryPoints.web.address=:80"`));
      continue;
    }
    const body = argument.startsWith('--') ? argument.slice(2) : argument.slice(1);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) {
      errors.push(new ConfigError(argument, 'bad flag syntax'));
      continue;
    }
    const equals = body.indexOf('=');
    if (equals !== -1) {
      flags.push({ name: body.slice(0, equals), value: body.slice(equals + 1), text: argument });
      continue;
    }
    const kind = kindAt(shape, splitFlagName(body) ?? []);
    const next = argv[index + 1];
    switch (kind) {
      case 'boolean':
      case 'section':
      case 'object':
        flags.push({ name: body, value: 'true', text: argument });
        break;
      case 'inside-opaque':
      case 'unknown':
        // The schema cannot tell: a following word is the value, otherwise the flag is a boolean.
        if (next !== undefined && !next.startsWith('-')) {
          flags.push({ name: body, value: next, text: `${argument} ${next}` });
          index++;
        } else {
          flags.push({ name: body, value: 'true', text: argument });
        }
        break;
      default:
        if (next === undefined || next.startsWith('--')) {
          errors.push(new ConfigError(argument, 'flag needs a value'));
        } else {
          flags.push({ name: body, value: next, text: `${argument} ${next}` });
          index++;
        }
    }
  }
  return { flags, errors };
}

/** Splits `a.b[0].c` into `a`, `b`, `0`, `c`; returns undefined for an empty segment. */
export function splitFlagName(name: string): string[] | undefined {
  const segments: string[] = [];
  for (const part of name.split('.')) {
    const indexed = /^(.+)\[(\d+)\]$/.exec(part);
    if (indexed !== null) segments.push(indexed[1]!, indexed[2]!);
    else if (part === '' || part.includes('[') || part.includes(']')) return undefined;
    else segments.push(part);
  }
  return segments;
}

/** Tells whether a flag is `--configFile` (any case), which chooses the file rather than configuring. */
export function isConfigFileFlag(flag: FlagArgument): boolean {
  return flag.name.toLowerCase() === 'configfile';
}

/** Builds the raw configuration tree from flags; repeated list flags add up, other repeated flags override. */
export function flagsToRawTree(flags: readonly FlagArgument[], shape: Shape): { tree: RawTree; errors: ConfigError[] } {
  const tree: RawTree = {};
  const errors: ConfigError[] = [];
  for (const flag of flags) {
    if (isConfigFileFlag(flag)) continue;
    const segments = splitFlagName(flag.name);
    if (segments === undefined) {
      errors.push(new ConfigError(flag.text, 'bad flag syntax'));
      continue;
    }
    const problem = setPath(tree, segments, flag.value, kindAt(shape, segments) === 'list');
    if (problem !== undefined) errors.push(new ConfigError(flag.text, problem));
  }
  return { tree, errors };
}
