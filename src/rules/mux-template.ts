import { GoRegexpError, compileGoRegexp, quoteGoMeta, translateGoRegexp } from './go-regexp.js';
import { MatcherArgumentError } from './matcher-spec.js';

/**
 * gorilla/mux route templates, as Traefik's v2 rule syntax uses them (containous/mux fork):
 * `{name}` and `{name:pattern}` variables between literal text, turned into one anchored
 * Go regular expression.
 */

export type TemplateKind = 'host' | 'path' | 'pathPrefix' | 'query';

const DEFAULT_PATTERNS: Readonly<Record<TemplateKind, string>> = {
  host: '[^.]+',
  path: '[^/]+',
  pathPrefix: '[^/]+',
  query: '.*',
};

/** Returns the start and end (exclusive) offsets of the top-level `{...}` in a template. */
function braceIndices(template: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let level = 0;
  let start = 0;
  for (let index = 0; index < template.length; index++) {
    const character = template[index];
    if (character === '{') {
      if (++level === 1) start = index;
    } else if (character === '}') {
      if (--level === 0) spans.push([start, index + 1]);
      else if (level < 0) throw new MatcherArgumentError(`unbalanced braces in "${template}"`);
    }
  }
  if (level !== 0) throw new MatcherArgumentError(`unbalanced braces in "${template}"`);
  return spans;
}

/**
 * Returns the Go regular expression gorilla/mux builds for a template: literal parts quoted,
 * variables as groups, anchored at the start, and at the end unless it is a path prefix.
 * Host templates are case-insensitive; a query template with an empty value accepts any value.
 */
export function muxTemplatePattern(template: string, kind: TemplateKind): string {
  const defaultPattern = DEFAULT_PATTERNS[kind];
  let pattern = kind === 'host' ? '(?i)^' : '^';
  let end = 0;
  for (const [start, stop] of braceIndices(template)) {
    const inner = template.slice(start + 1, stop - 1);
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const variablePattern = colon < 0 ? defaultPattern : inner.slice(colon + 1);
    if (name === '' || variablePattern === '') {
      throw new MatcherArgumentError(`missing name or pattern in "${template.slice(start, stop)}"`);
    }
    // gorilla/mux also compiles each variable pattern on its own, so it must be valid alone.
    try {
      translateGoRegexp(`^${variablePattern}$`);
    } catch (error) {
      if (!(error instanceof GoRegexpError)) throw error;
      throw new MatcherArgumentError(`invalid regular expression "${variablePattern}": ${error.message}`);
    }
    pattern += `${quoteGoMeta(template.slice(end, start))}(?:${variablePattern})`;
    end = stop;
  }
  pattern += quoteGoMeta(template.slice(end));
  if (kind === 'query' && template.slice(template.indexOf('=') + 1) === '') pattern += defaultPattern;
  if (kind !== 'pathPrefix') pattern += '$';
  return pattern;
}

/** Compiles a gorilla/mux template into a JavaScript RegExp. */
export function compileMuxTemplate(template: string, kind: TemplateKind): RegExp {
  const pattern = muxTemplatePattern(template, kind);
  try {
    return compileGoRegexp(pattern);
  } catch (error) {
    if (!(error instanceof GoRegexpError)) throw error;
    throw new MatcherArgumentError(`invalid regular expression in "${template}": ${error.message}`);
  }
}
