import { readFileSync } from 'node:fs';

/** A key as `tsig-keygen` writes it for BIND: `key "name" { algorithm hmac-sha256; secret "base64"; };`. */
export interface TsigKeyFile {
  readonly name: string;
  readonly algorithm: string;
  readonly secret: string;
}

/**
 * Reads the first `key` clause of a BIND key file, line by line as lego does: text before it is skipped, the
 * clause ends at its closing brace, unknown statements inside are ignored, quotes around values are dropped.
 */
export function readTsigKeyFile(path: string): TsigKeyFile {
  const text = readFileSync(path, 'utf8');
  let name = '';
  let algorithm = '';
  let secret = '';
  let isInsideKey = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = (rawLine.endsWith(';') ? rawLine.slice(0, -1) : rawLine).trim();
    if (line === '') continue;
    if (isInsideKey && line === '}') break;
    const fields = line.split(/\s+/);
    if (fields[0] === 'key') {
      if (fields.length !== 3) throw new Error(`invalid key line: ${line}`);
      isInsideKey = true;
      name = unquote(fields[1]!);
      continue;
    }
    if (!isInsideKey || fields.length !== 2) continue;
    const value = unquote(fields[1]!);
    if (unquote(fields[0]!) === 'algorithm') algorithm = value;
    else if (unquote(fields[0]!) === 'secret') secret = value;
  }
  return { name, algorithm, secret };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
