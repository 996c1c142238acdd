import { parse, TomlDate, TomlError } from 'smol-toml';
import type { PathKey, SourcePosition } from './config-path.js';
import type { FileMatch, TextParse } from './config-text.js';

/** Parses TOML text into plain values; paths are found again by scanning the text (best effort). */
export function parseTomlText(text: string): TextParse {
  let table: unknown;
  try {
    table = parse(text);
  } catch (cause) {
    if (cause instanceof TomlError) {
      return { ok: false, reason: tomlReason(cause.message), position: { line: cause.line, col: cause.column } };
    }
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) };
  }
  let index: Map<string, SourcePosition> | undefined;
  return {
    ok: true,
    parsed: {
      value: toPlain(table),
      kind: 'map',
      rootPosition: { line: 1, col: 1 },
      find: (keys) => {
        index ??= indexToml(text);
        return findInIndex(index, keys);
      },
    },
  };
}

/** Keeps the first line of smol-toml's message, without its prefix and code frame. */
function tomlReason(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  const reason = firstLine.replace(/^Invalid TOML document:\s*/, '');
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

/** Turns smol-toml's null-prototype tables and dates into plain objects and strings. */
function toPlain(value: unknown): unknown {
  if (value instanceof TomlDate) return value.toISOString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    const plain: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(plain, key, { value: toPlain(item), enumerable: true, writable: true, configurable: true });
    }
    return plain;
  }
  return value;
}

function findInIndex(index: Map<string, SourcePosition>, keys: readonly PathKey[]): FileMatch | undefined {
  for (let depth = keys.length; depth > 0; depth--) {
    const position = index.get(indexKey(keys.slice(0, depth)));
    if (position !== undefined) return { depth, position };
  }
  return undefined;
}

function indexKey(keys: readonly PathKey[]): string {
  return JSON.stringify(keys.map((key) => (typeof key === 'string' ? key.toLowerCase() : key)));
}

/**
 * Records where each key path was written: table headers, dotted keys, and keys inside inline tables and arrays.
 * The text already parsed, so the scanner stops quietly at anything it does not follow.
 */
function indexToml(text: string): Map<string, SourcePosition> {
  const scanner = new TomlScanner(text);
  try {
    scanner.scanDocument();
  } catch {
    // Best effort: keep what was indexed before the scanner lost its way.
  }
  return scanner.index;
}

class TomlScanner {
  readonly index = new Map<string, SourcePosition>();
  readonly #text: string;
  readonly #lineStarts: number[] = [0];
  #at = 0;
  /** Current element of each array of tables, by its header path (lowercase, without indexes). */
  readonly #arrayTables = new Map<string, number>();
  /** Elements counted so far for each array of tables under a given parent element. */
  readonly #arrayCounts = new Map<string, number>();

  constructor(text: string) {
    this.#text = text;
    for (let offset = 0; offset < text.length; offset++) {
      if (text[offset] === '\n') this.#lineStarts.push(offset + 1);
    }
  }

  scanDocument(): void {
    let table: PathKey[] = [];
    for (;;) {
      this.#skipBlank();
      if (this.#at >= this.#text.length) return;
      const start = this.#at;
      if (this.#text.startsWith('[[', start)) {
        this.#at += 2;
        const names = this.#readDottedKey();
        this.#expect(']]');
        table = this.#resolveHeader(names, true, start);
        this.#record(table, start);
      } else if (this.#text[start] === '[') {
        this.#at += 1;
        const names = this.#readDottedKey();
        this.#expect(']');
        table = this.#resolveHeader(names, false, start);
        this.#record(table, start);
      } else {
        this.#scanKeyValue(table);
      }
      this.#skipToLineEnd();
    }
  }

  /** Inserts the current element index after each array-of-tables prefix of a header. */
  #resolveHeader(names: readonly string[], isArray: boolean, start: number): PathKey[] {
    const resolved: PathKey[] = [];
    for (let length = 1; length <= names.length; length++) {
      const name = names[length - 1]!;
      resolved.push(name);
      const headerKey = indexKey(names.slice(0, length));
      if (length === names.length && isArray) {
        const countKey = indexKey(resolved);
        const element = this.#arrayCounts.get(countKey) ?? 0;
        this.#arrayCounts.set(countKey, element + 1);
        this.#arrayTables.set(headerKey, element);
        this.#record(resolved, start);
        resolved.push(element);
      } else {
        const element = this.#arrayTables.get(headerKey);
        if (element !== undefined) resolved.push(element);
      }
    }
    return resolved;
  }

  #scanKeyValue(parent: readonly PathKey[]): void {
    const keyStart = this.#at;
    const names = this.#readDottedKey();
    for (let length = 1; length < names.length; length++) this.#record([...parent, ...names.slice(0, length)], keyStart);
    this.#skipSpaces();
    this.#expect('=');
    this.#skipSpaces();
    this.#scanValue([...parent, ...names]);
  }

  #scanValue(path: readonly PathKey[]): void {
    this.#record(path, this.#at);
    const char = this.#text[this.#at];
    if (char === '{') {
      this.#at += 1;
      for (;;) {
        this.#skipBlank();
        if (this.#text[this.#at] === '}') break;
        this.#scanKeyValue(path);
        this.#skipBlank();
        if (this.#text[this.#at] === ',') this.#at += 1;
      }
      this.#at += 1;
    } else if (char === '[') {
      this.#at += 1;
      for (let element = 0; ; element++) {
        this.#skipBlank();
        if (this.#text[this.#at] === ']') break;
        this.#scanValue([...path, element]);
        this.#skipBlank();
        if (this.#text[this.#at] === ',') this.#at += 1;
      }
      this.#at += 1;
    } else if (char === '"' || char === "'") {
      this.#readString();
    } else {
      const end = /[,\]}#\r\n]/g;
      end.lastIndex = this.#at;
      const found = end.exec(this.#text);
      const stop = found === null ? this.#text.length : found.index;
      if (stop === this.#at) throw new Error('empty value');
      this.#at = stop;
    }
  }

  #readDottedKey(): string[] {
    const names: string[] = [];
    for (;;) {
      this.#skipSpaces();
      const char = this.#text[this.#at];
      if (char === '"' || char === "'") {
        names.push(this.#readString());
      } else {
        const bare = /[A-Za-z0-9_-]+/y;
        bare.lastIndex = this.#at;
        const found = bare.exec(this.#text);
        if (found === null) throw new Error('expected a key');
        names.push(found[0]);
        this.#at += found[0].length;
      }
      this.#skipSpaces();
      if (this.#text[this.#at] !== '.') return names;
      this.#at += 1;
    }
  }

  /** Reads a basic, literal or multi-line string starting at the cursor and returns its text. */
  #readString(): string {
    const text = this.#text;
    const quote = text[this.#at]!;
    const triple = quote.repeat(3);
    if (text.startsWith(triple, this.#at)) {
      const close = text.indexOf(triple, this.#at + 3);
      if (close === -1) throw new Error('unterminated string');
      let end = close + 3;
      while (text[end] === quote) end += 1;
      const raw = text.slice(this.#at + 3, end - 3);
      this.#at = end;
      return raw;
    }
    let end = this.#at + 1;
    while (end < text.length && text[end] !== quote && text[end] !== '\n') {
      end += quote === '"' && text[end] === '\\' ? 2 : 1;
    }
    if (text[end] !== quote) throw new Error('unterminated string');
    const raw = text.slice(this.#at, end + 1);
    this.#at = end + 1;
    if (quote === "'") return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }

  #record(path: readonly PathKey[], offset: number): void {
    const key = indexKey(path);
    if (!this.index.has(key)) this.index.set(key, this.#position(offset));
  }

  #position(offset: number): SourcePosition {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, col: offset - this.#lineStarts[low]! + 1 };
  }

  #expect(token: string): void {
    if (!this.#text.startsWith(token, this.#at)) throw new Error(`expected ${token}`);
    this.#at += token.length;
  }

  #skipSpaces(): void {
    while (this.#text[this.#at] === ' ' || this.#text[this.#at] === '\t') this.#at += 1;
  }

  /** Skips spaces, comments and line breaks. */
  #skipBlank(): void {
    for (;;) {
      this.#skipSpaces();
      const char = this.#text[this.#at];
      if (char === '#') this.#skipToLineEnd();
      else if (char === '\n' || char === '\r') this.#at += 1;
      else return;
    }
  }

  #skipToLineEnd(): void {
    const end = this.#text.indexOf('\n', this.#at);
    this.#at = end === -1 ? this.#text.length : end;
  }
}
