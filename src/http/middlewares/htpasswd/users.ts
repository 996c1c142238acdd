import { readFileSync } from 'node:fs';
import { ConfigError, quote } from '../../../config/errors.js';

const readErrors: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
};

/** Reads a users file as Traefik does: one entry per line, trimmed, blank lines and `#` comments skipped. */
export function readUsersFile(usersFile: string): Array<{ line: number; text: string }> {
  let content: string;
  try {
    content = readFileSync(usersFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new ConfigError('usersFile', `cannot read ${quote(usersFile)}: ${readErrors[code] ?? (error as Error).message}`);
  }
  const entries: Array<{ line: number; text: string }> = [];
  content.split('\n').forEach((raw, index) => {
    const text = raw.trim();
    if (text !== '' && !text.startsWith('#')) entries.push({ line: index + 1, text });
  });
  return entries;
}

/**
 * Collects users from `usersFile` then `users`, split on `:` into exactly `fields` parts (`name:hash`,
 * `name:realm:hash`). Later entries win, so `users` overrides the file, as in Traefik.
 */
export function loadUsers(config: { readonly users?: readonly string[] | undefined; readonly usersFile?: string | undefined }, fields: readonly string[]): Map<string, string[]> {
  const expected = fields.join(':');
  const users = new Map<string, string[]>();
  const add = (text: string, fault: (reason: string) => ConfigError): void => {
    const parts = text.split(':');
    if (parts.length !== fields.length) throw fault(`expected ${quote(expected)}, got ${quote(text)}`);
    users.set(parts.slice(0, -1).join(':'), parts);
  };
  if (config.usersFile !== undefined && config.usersFile !== '') {
    const file = config.usersFile;
    for (const { line, text } of readUsersFile(file)) add(text, (reason) => new ConfigError('usersFile', `line ${line} of ${quote(file)}: ${reason}`));
  }
  (config.users ?? []).forEach((text, index) => add(text, (reason) => new ConfigError(`users[${index}]`, reason)));
  return users;
}
