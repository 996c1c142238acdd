import { caseOrbit, normalizeRanges, type Ranges } from './go-regexp-ranges.js';
import { GoRegexpError, parseGoRegexp, type GoRegexpNode } from './go-regexp-parser.js';

export { GoRegexpError, quoteGoMeta } from './go-regexp-parser.js';

/** Options for translating a Go regular expression. */
export interface GoRegexpFlags {
  /** Starts the expression with case-insensitive matching, as a leading `(?i)` would. */
  readonly caseInsensitive?: boolean;
}

/** A Go regular expression rewritten for JavaScript. */
export interface TranslatedGoRegexp {
  /** JavaScript source, to be used with `flags`. */
  readonly source: string;
  /** Always `u`, plus `i` when the whole expression is case-insensitive. */
  readonly flags: string;
  /** Go's SubexpNames: index 0 is the whole match, then one entry per capture group ('' when unnamed). */
  readonly subexpNames: readonly string[];
}

/**
 * Translates Go (RE2) regexp syntax into an equivalent JavaScript regular expression.
 * Throws GoRegexpError, with Go's reason, for what Go rejects (backreferences, lookarounds,
 * possessive quantifiers, `\C`, ...) and for the few constructs JavaScript cannot express.
 */
export function translateGoRegexp(source: string, flags: GoRegexpFlags = {}): TranslatedGoRegexp {
  const parsed = parseGoRegexp(source, flags.caseInsensitive === true);
  const mode = caseMode(parsed.root);
  const emitter = new Emitter(mode === 'mixed');
  const translated = emitter.emit(parsed.root);
  return { source: translated, flags: mode === 'all' ? 'ui' : 'u', subexpNames: parsed.captureNames };
}

/** Compiles Go (RE2) regexp syntax into a JavaScript RegExp that matches the same strings. */
export function compileGoRegexp(source: string, flags: GoRegexpFlags = {}): RegExp {
  const translated = translateGoRegexp(source, flags);
  try {
    return new RegExp(translated.source, translated.flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GoRegexpError(`cannot be translated to JavaScript: ${reason}`);
  }
}

type CaseMode = 'none' | 'all' | 'mixed';

/**
 * Tells whether case-insensitivity covers every case-sensitive part ('all': the JavaScript `i`
 * flag does the work), none of them, or only some ('mixed': folding is spelled out per character,
 * since Node 20 has no `(?i:...)` modifiers).
 */
function caseMode(root: GoRegexpNode): CaseMode {
  const leaves: Array<Extract<GoRegexpNode, { type: 'literal' | 'class' }>> = [];
  const collect = (node: GoRegexpNode): void => {
    switch (node.type) {
      case 'literal':
      case 'class':
        leaves.push(node);
        return;
      case 'group':
      case 'repeat':
        collect(node.body);
        return;
      case 'concat':
        node.items.forEach(collect);
        return;
      case 'alternate':
        node.alternatives.forEach(collect);
        return;
      default:
        return;
    }
  };
  collect(root);
  if (!leaves.some((leaf) => leaf.fold)) return 'none';
  // Literals without case variants fit either way.
  const isExact = (leaf: (typeof leaves)[number]): boolean =>
    !leaf.fold && (leaf.type === 'class' || caseOrbit(leaf.codePoint).length > 1);
  return leaves.some(isExact) ? 'mixed' : 'all';
}

const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/');
const CLASS_SYNTAX_CHARACTERS = new Set('\\]^-[');

function emitCharacter(codePoint: number, inClass: boolean): string {
  const character = String.fromCodePoint(codePoint);
  if (codePoint >= 0x20 && codePoint <= 0x7e) {
    return (inClass ? CLASS_SYNTAX_CHARACTERS : SYNTAX_CHARACTERS).has(character) ? `\\${character}` : character;
  }
  return `\\u{${codePoint.toString(16)}}`;
}

function emitRanges(ranges: Ranges): string {
  let out = '';
  for (let index = 0; index < ranges.length; index += 2) {
    const lo = ranges[index]!;
    const hi = ranges[index + 1]!;
    out += emitCharacter(lo, true);
    if (hi === lo + 1) out += emitCharacter(hi, true);
    else if (hi > lo) out += `-${emitCharacter(hi, true)}`;
  }
  return out;
}

// Go's multi-line ^ and $ hold at the text's ends and next to \n only (JavaScript's also accept \r, U+2028, U+2029).
const ASSERTIONS = {
  beginText: '^',
  endText: '$',
  beginLine: '(?<![^\\n])',
  endLine: '(?![^\\n])',
  wordBoundary: '\\b',
  notWordBoundary: '\\B',
} as const;

class Emitter {
  readonly #spellsOutFolding: boolean;
  readonly #usedNames = new Set<string>();

  constructor(spellsOutFolding: boolean) {
    this.#spellsOutFolding = spellsOutFolding;
  }

  emit(node: GoRegexpNode): string {
    switch (node.type) {
      case 'literal': {
        if (this.#spellsOutFolding && node.fold) {
          const orbit = caseOrbit(node.codePoint);
          return `[${emitRanges(normalizeRanges(orbit.flatMap((member) => [member, member])))}]`;
        }
        return emitCharacter(node.codePoint, false);
      }
      case 'class':
        return this.#emitClass(node);
      case 'any':
        // Go's dot excludes only \n (JavaScript's also excludes \r, U+2028 and U+2029).
        return node.matchesNewline ? '[\\s\\S]' : '[^\\n]';
      case 'assertion':
        return ASSERTIONS[node.kind];
      case 'group': {
        const body = this.emit(node.body);
        if (node.capture === 0) return `(?:${body})`;
        // JavaScript group names cannot start with a digit or repeat; such groups stay numbered captures.
        if (node.name !== '' && !/^[0-9]/.test(node.name) && !this.#usedNames.has(node.name)) {
          this.#usedNames.add(node.name);
          return `(?<${node.name}>${body})`;
        }
        return `(${body})`;
      }
      case 'concat':
        return node.items.map((item) => this.emit(item)).join('');
      case 'alternate':
        return node.alternatives.map((alternative) => this.emit(alternative)).join('|');
      case 'repeat': {
        const body = this.emit(node.body);
        const isAtom = node.body.type === 'literal' || node.body.type === 'class' || node.body.type === 'any' ||
          node.body.type === 'group';
        const operand = isAtom ? body : `(?:${body})`;
        const { min, max } = node;
        let quantifier: string;
        if (min === 0 && max === -1) quantifier = '*';
        else if (min === 1 && max === -1) quantifier = '+';
        else if (min === 0 && max === 1) quantifier = '?';
        else if (max === -1) quantifier = `{${min},}`;
        else if (min === max) quantifier = `{${min}}`;
        else quantifier = `{${min},${max}}`;
        return `${operand}${quantifier}${node.greedy ? '' : '?'}`;
      }
    }
  }

  #emitClass(node: Extract<GoRegexpNode, { type: 'class' }>): string {
    let negated = node.negated;
    let properties = node.properties;
    if (node.fold && properties.length > 0) {
      if (this.#spellsOutFolding) {
        throw new GoRegexpError(
          'case-insensitive Unicode classes (\\p) cannot be combined with case-sensitive parts of the expression',
        );
      }
      // Under the i flag JavaScript complements \P{..} before folding, Go after; a lone negated
      // property becomes a negated class, which JavaScript folds first as Go does.
      if (properties.some((property) => property.negated)) {
        if (properties.length > 1 || node.ranges.length > 0) {
          throw new GoRegexpError('case-insensitive negated Unicode classes (\\P) cannot be combined with other members');
        }
        negated = !negated;
        properties = [{ name: properties[0]!.name, negated: false }];
      }
    }
    const members = emitRanges(node.ranges) +
      properties.map((property) => `\\${property.negated ? 'P' : 'p'}{${property.name}}`).join('');
    return `[${negated ? '^' : ''}${members}]`;
  }
}
