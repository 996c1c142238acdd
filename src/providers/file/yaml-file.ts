import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { keyMatches } from './config-path.js';
import type { PathKey, SourcePosition } from './config-path.js';
import type { ParsedText, TextParse } from './config-text.js';

/**
 * Parses YAML text into plain values, keeping the document to find where a path was written.
 * Only the first document is read, as Traefik's YAML decoder does; merge keys (`<<: *defaults`) are honoured.
 */
export function parseYamlText(text: string): TextParse {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true });
  const document = Array.isArray(documents) ? documents[0] : undefined;
  const warnings: string[] = [];
  if (document === undefined) return { ok: true, parsed: emptyYaml() };
  if (Array.isArray(documents) && documents.length > 1) warnings.push('only the first YAML document is read');

  const error = document.errors[0];
  if (error !== undefined) {
    return { ok: false, reason: lowerFirst(error.message), position: lineCounter.linePos(error.pos[0]) };
  }
  const collectionKey = findCollectionKey(document.contents);
  if (collectionKey !== undefined) {
    return {
      ok: false,
      reason: 'a map key must be a string, not a map or a list',
      position: lineCounter.linePos(collectionKey.range?.[0] ?? 0),
    };
  }

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    return { ok: false, reason: lowerFirst(cause instanceof Error ? cause.message : String(cause)) };
  }
  const root = document.contents;
  return {
    ok: true,
    warnings,
    parsed: {
      value,
      kind: root === null ? 'empty' : describeNode(root),
      rootPosition: lineCounter.linePos(root?.range?.[0] ?? 0),
      find: (keys) => findInYaml(document, keys, lineCounter),
    },
  };
}

function emptyYaml(): ParsedText {
  return { value: null, kind: 'empty', rootPosition: { line: 1, col: 1 }, find: () => undefined };
}

function describeNode(node: Node): ParsedText['kind'] {
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'list';
  return 'scalar';
}

/** Returns the first map key that is itself a map or a list: plain objects cannot hold it, so it is refused. */
function findCollectionKey(node: unknown): Node | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isMap(pair.key) || isSeq(pair.key)) return pair.key;
      const inValue = findCollectionKey(pair.value);
      if (inValue !== undefined) return inValue;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inItem = isPair(item) ? findCollectionKey(item.value) : findCollectionKey(item);
      if (inItem !== undefined) return inItem;
    }
  }
  return undefined;
}

/** Walks the document along keys; returns how deep it got and where that node was written. */
function findInYaml(
  document: Document,
  keys: readonly PathKey[],
  lineCounter: LineCounter,
): { depth: number; position: SourcePosition } | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined;
  let depth = 0;
  for (const key of keys) {
    node = resolveAlias(document, node);
    const step = typeof key === 'number' ? stepIntoList(node, key) : stepIntoMap(document, node, key);
    if (step === undefined) break;
    node = step.node;
    offset = step.offset;
    depth += 1;
  }
  if (offset === undefined) return undefined;
  return { depth, position: lineCounter.linePos(offset) };
}

interface Step {
  readonly node: unknown;
  readonly offset: number;
}

function stepIntoList(node: unknown, index: number): Step | undefined {
  if (!isSeq(node)) return undefined;
  const item: unknown = node.items[index];
  if (isPair(item)) return pairStep(item);
  const offset = nodeOffset(item);
  return offset === undefined ? undefined : { node: item, offset };
}

function stepIntoMap(document: Document, node: unknown, key: string): Step | undefined {
  if (!isMap(node)) return undefined;
  const pair = findPair(document, node, key, new Set());
  return pair === undefined ? undefined : pairStep(pair);
}

/** Points at the value when it is a scalar written on the line, at the key otherwise. */
function pairStep(pair: Pair): Step | undefined {
  const value = pair.value;
  const valueOffset = nodeOffset(value);
  if (isScalar(value) && value.value !== null && valueOffset !== undefined) return { node: value, offset: valueOffset };
  const keyOffset = nodeOffset(pair.key) ?? valueOffset;
  return keyOffset === undefined ? undefined : { node: value, offset: keyOffset };
}

function findPair(document: Document, map: YAMLMap, key: string, seen: Set<unknown>): Pair | undefined {
  seen.add(map);
  for (const ignoreCase of [false, true]) {
    for (const pair of map.items) {
      if (isScalar(pair.key) && !isMergeKey(pair) && keyMatches(String(pair.key.value), key, ignoreCase)) return pair;
    }
  }
  // YAML merge keys: a key found in a merged map was written there.
  for (const pair of map.items) {
    if (!isMergeKey(pair)) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const merged = resolveAlias(document, source);
      if (!isMap(merged) || seen.has(merged)) continue;
      const found = findPair(document, merged, key, seen);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isMergeKey(pair: Pair): boolean {
  return isScalar(pair.key) && (pair.key.source === '<<' || pair.key.value === '<<');
}

function resolveAlias(document: Document, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(document);
  return current;
}

function nodeOffset(node: unknown): number | undefined {
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) return node.range?.[0];
  return undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
