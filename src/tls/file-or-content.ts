import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, quote } from '../config/errors.js';

/**
 * Reads a value that is either a file path or the content itself, as Traefik's FileOrContent: an existing
 * file wins; otherwise the value must be PEM text. Throws ConfigError at `path`.
 */
export function readFileOrContent(value: string, path: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (!existsSync(value)) throw new ConfigError(path, `file ${quote(value)} does not exist`);
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new ConfigError(path, `cannot read ${quote(value)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
