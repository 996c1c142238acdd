/**
 * The parts of Go's `net/url` that decide what Location header a client gets from forwardAuth: parsing
 * (with its refusals), `ResolveReference` and `String`. Paths and queries stay in their escaped form.
 */
export interface GoUrl {
  readonly scheme: string;
  readonly opaque: string;
  /** `userinfo@host[:port]`, undefined without an authority. */
  readonly authority: string | undefined;
  /** Escaped path. */
  readonly path: string;
  readonly rawQuery: string;
  readonly forceQuery: boolean;
  /** Escaped fragment, undefined without `#`. */
  readonly fragment: string | undefined;
}

const validEscapes = /%(?![0-9A-Fa-f]{2})/;
/** Characters Go leaves as they are in an escaped path; anything else gets percent-encoded. */
const pathCharacter = /[A-Za-z0-9\-_.~$&+,/:;=@!'()*[\]%]/;

function escapeInvalid(path: string): string {
  let out = '';
  for (const char of path) {
    if (pathCharacter.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Parses like Go's `url.Parse`; undefined where Go returns an error. */
export function parseGoUrl(raw: string): GoUrl | undefined {
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  let fragment: string | undefined;
  const hash = raw.indexOf('#');
  if (hash >= 0) {
    fragment = raw.slice(hash + 1);
    if (validEscapes.test(fragment)) return undefined;
    raw = raw.slice(0, hash);
  }
  if (raw === '*') return { scheme: '', opaque: '', authority: undefined, path: '*', rawQuery: '', forceQuery: false, fragment };
  if (raw.startsWith(':')) return undefined;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  const scheme = schemeMatch === null ? '' : schemeMatch[1]!.toLowerCase();
  let rest = schemeMatch === null ? raw : raw.slice(schemeMatch[0].length);
  let rawQuery = '';
  let forceQuery = false;
  const question = rest.indexOf('?');
  if (question >= 0 && question === rest.length - 1 && rest.indexOf('?') === rest.lastIndexOf('?')) {
    forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (question >= 0) {
    rawQuery = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, authority: undefined, path: '', rawQuery, forceQuery, fragment };
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) return undefined;
  }
  let authority: string | undefined;
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const afterBracket = host.startsWith('[') ? host.slice(host.indexOf(']') + 1) : host;
    const colon = afterBracket.lastIndexOf(':');
    if (colon >= 0 && !/^\d*$/.test(afterBracket.slice(colon + 1))) return undefined;
    if (validEscapes.test(authority)) return undefined;
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  if (validEscapes.test(rest)) return undefined;
  return { scheme, opaque: '', authority, path: escapeInvalid(rest), rawQuery, forceQuery, fragment };
}

/** Go's `resolvePath`: joins a reference path to a base path and removes dot segments, step for step. */
function resolvePath(base: string, reference: string): string {
  let full: string;
  if (reference === '') full = base;
  else if (!reference.startsWith('/')) full = base.slice(0, base.lastIndexOf('/') + 1) + reference;
  else full = reference;
  if (full === '') return '';
  let out = '/';
  let isFirst = true;
  const elements = full.split('/');
  for (const element of elements) {
    if (element === '.') {
      isFirst = false;
      continue;
    }
    if (element === '..') {
      const written = out.slice(1);
      const slash = written.lastIndexOf('/');
      out = `/${slash < 0 ? '' : written.slice(0, slash)}`;
      if (slash < 0) isFirst = true;
      continue;
    }
    out += isFirst ? element : `/${element}`;
    isFirst = false;
  }
  const last = elements[elements.length - 1];
  if (last === '.' || last === '..') out += '/';
  return out.length > 1 && out[1] === '/' ? out.slice(1) : out;
}

/** Go's `URL.ResolveReference`. */
export function resolveGoUrl(base: GoUrl, reference: GoUrl): GoUrl {
  const scheme = reference.scheme === '' ? base.scheme : reference.scheme;
  if (reference.scheme !== '' || (reference.authority !== undefined && reference.authority !== '')) {
    return { ...reference, scheme, path: resolvePath(reference.path, '') };
  }
  if (reference.opaque !== '') return { ...reference, scheme, authority: undefined, path: '' };
  let { rawQuery, fragment } = reference;
  if (reference.path === '' && !reference.forceQuery && reference.rawQuery === '') {
    rawQuery = base.rawQuery;
    if (reference.fragment === undefined || reference.fragment === '') fragment = base.fragment;
  }
  return { ...reference, scheme, rawQuery, fragment, authority: base.authority, path: resolvePath(base.path, reference.path) };
}

/** Go's `URL.String`. */
export function formatGoUrl(url: GoUrl): string {
  let out = url.scheme === '' ? '' : `${url.scheme}:`;
  if (url.opaque !== '') out += url.opaque;
  else {
    const authority = url.authority ?? '';
    if (url.scheme !== '' || authority !== '') {
      if (authority !== '' || url.path !== '') out += '//';
      out += authority;
    }
    if (url.path !== '' && !url.path.startsWith('/') && authority !== '') out += '/';
    if (out === '' && (url.path.split('/')[0] ?? '').includes(':')) out += './';
    out += url.path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${url.rawQuery}`;
  if (url.fragment !== undefined && url.fragment !== '') out += `#${url.fragment}`;
  return out;
}
