import { isIP } from 'node:net';

/**
 * A Set-Cookie as Go's `net/http` reads and writes it. forwardAuth rewrites the backend's cookies through
 * Go's parser when the authentication server set any, so unknown attributes drop out, attributes are
 * spelled and ordered Go's way and invalid cookies disappear.
 */
export interface GoCookie {
  readonly name: string;
  readonly value: string;
  readonly isQuoted: boolean;
  path: string;
  domain: string;
  /** Unix milliseconds, undefined when absent or unreadable. */
  expires: number | undefined;
  /** Go's MaxAge: 0 unset, negative for `Max-Age=0` or less. */
  maxAge: number;
  isSecure: boolean;
  isHttpOnly: boolean;
  sameSite: 'Lax' | 'Strict' | 'None' | undefined;
  isPartitioned: boolean;
}

const tokenCharacter = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function isValidValueByte(code: number): boolean {
  return code >= 0x20 && code < 0x7f && code !== 0x22 && code !== 0x3b && code !== 0x5c;
}

function readValue(raw: string, allowQuotes: boolean): { value: string; isQuoted: boolean } | undefined {
  let value = raw;
  let isQuoted = false;
  if (allowQuotes && value.length > 1 && value.startsWith('"') && value.endsWith('"')) {
    value = value.slice(1, -1);
    isQuoted = true;
  }
  for (let i = 0; i < value.length; i++) if (!isValidValueByte(value.charCodeAt(i))) return undefined;
  return { value, isQuoted };
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Go's `time.Parse` of `Mon, 02 Jan 2006 15:04:05 MST` or `Mon, 02-Jan-2006 15:04:05 MST`, to UTC milliseconds. */
function parseExpires(text: string): number | undefined {
  const match = /^([A-Za-z]{3}), (\d{2})([ -])([A-Za-z]{3})\3(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([A-Z]{3,5})$/.exec(text);
  if (match === null) return undefined;
  const [, weekday, day, , month, year, hour, minute, second] = match;
  if (!weekdays.includes(weekday!.toLowerCase())) return undefined;
  const monthIndex = months.indexOf(month!.toLowerCase());
  if (monthIndex < 0) return undefined;
  const [d, h, m, s, y] = [Number(day), Number(hour), Number(minute), Number(second), Number(year)];
  const daysInMonth = new Date(Date.UTC(y, monthIndex + 1, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth || h > 23 || m > 59 || s > 59) return undefined;
  // Unknown zone abbreviations read as UTC, as Go does when it cannot place them.
  const date = new Date(0);
  date.setUTCFullYear(y, monthIndex, d);
  date.setUTCHours(h, m, s, 0);
  return date.getTime();
}

/** Go's `http.ParseSetCookie`; undefined for a line Go rejects. */
export function parseSetCookie(line: string): GoCookie | undefined {
  const parts = line.trim().split(';');
  if (parts.length === 1 && parts[0] === '') return undefined;
  const first = parts[0]!.trim();
  const equals = first.indexOf('=');
  if (equals < 0) return undefined;
  const name = first.slice(0, equals).trim();
  if (!tokenCharacter.test(name)) return undefined;
  const read = readValue(first.slice(equals + 1), true);
  if (read === undefined) return undefined;
  const cookie: GoCookie = {
    name,
    value: read.value,
    isQuoted: read.isQuoted,
    path: '',
    domain: '',
    expires: undefined,
    maxAge: 0,
    isSecure: false,
    isHttpOnly: false,
    sameSite: undefined,
    isPartitioned: false,
  };
  for (const rawPart of parts.slice(1)) {
    const part = rawPart.trim();
    if (part === '') continue;
    const at = part.indexOf('=');
    const attribute = (at < 0 ? part : part.slice(0, at)).toLowerCase();
    const attributeValue = readValue(at < 0 ? '' : part.slice(at + 1), false);
    if (attributeValue === undefined) continue;
    const value = attributeValue.value;
    switch (attribute) {
      case 'samesite': {
        const lowered = value.toLowerCase();
        cookie.sameSite = lowered === 'lax' ? 'Lax' : lowered === 'strict' ? 'Strict' : lowered === 'none' ? 'None' : undefined;
        break;
      }
      case 'secure':
        cookie.isSecure = true;
        break;
      case 'httponly':
        cookie.isHttpOnly = true;
        break;
      case 'domain':
        cookie.domain = value;
        break;
      case 'max-age': {
        if (!/^[+-]?\d+$/.test(value)) break;
        let seconds = Number(value);
        if (seconds !== 0 && value.startsWith('0')) break;
        if (seconds <= 0) seconds = -1;
        cookie.maxAge = seconds;
        break;
      }
      case 'expires':
        cookie.expires = parseExpires(value);
        break;
      case 'path':
        cookie.path = value;
        break;
      case 'partitioned':
        cookie.isPartitioned = true;
        break;
    }
  }
  return cookie;
}

/** Go's `isCookieDomainName`, or an IPv4 address. */
function isValidDomain(domain: string): boolean {
  if (isIP(domain) === 4) return true;
  if (domain === '' || domain.length > 255) return false;
  const name = domain.startsWith('.') ? domain.slice(1) : domain;
  let last = '.';
  let hasLetter = false;
  let partLength = 0;
  for (const char of name) {
    if (/[A-Za-z]/.test(char)) {
      hasLetter = true;
      partLength++;
    } else if (/[0-9]/.test(char)) partLength++;
    else if (char === '-') {
      if (last === '.') return false;
      partLength++;
    } else if (char === '.') {
      if (last === '.' || last === '-' || partLength > 63 || partLength === 0) return false;
      partLength = 0;
    } else return false;
    last = char;
  }
  return last !== '-' && partLength <= 63 && hasLetter;
}

function keepBytes(text: string, isValid: (code: number) => boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) if (isValid(text.charCodeAt(i))) out += text[i];
  return out;
}

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function formatExpires(ms: number): string {
  const date = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${dayNames[date.getUTCDay()]}, ${two(date.getUTCDate())} ${monthNames[date.getUTCMonth()]} ${String(date.getUTCFullYear()).padStart(4, '0')} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} GMT`;
}

/** Go's `Cookie.String`: the Set-Cookie value Go writes. */
export function formatSetCookie(cookie: GoCookie): string {
  if (!tokenCharacter.test(cookie.name)) return '';
  let value = keepBytes(cookie.value, isValidValueByte);
  if (value !== '' && (cookie.isQuoted || /[ ,]/.test(value))) value = `"${value}"`;
  let out = `${cookie.name}=${value}`;
  if (cookie.path !== '') out += `; Path=${keepBytes(cookie.path, (code) => code >= 0x20 && code < 0x7f && code !== 0x3b)}`;
  if (cookie.domain !== '' && isValidDomain(cookie.domain)) out += `; Domain=${cookie.domain.startsWith('.') ? cookie.domain.slice(1) : cookie.domain}`;
  if (cookie.expires !== undefined && new Date(cookie.expires).getUTCFullYear() >= 1601) out += `; Expires=${formatExpires(cookie.expires)}`;
  if (cookie.maxAge > 0) out += `; Max-Age=${cookie.maxAge}`;
  else if (cookie.maxAge < 0) out += '; Max-Age=0';
  if (cookie.isHttpOnly) out += '; HttpOnly';
  if (cookie.isSecure) out += '; Secure';
  if (cookie.sameSite !== undefined) out += `; SameSite=${cookie.sameSite}`;
  if (cookie.isPartitioned) out += '; Partitioned';
  return out;
}

/** Go's `Response.Cookies`: every Set-Cookie line Go can read, in order. */
export function readSetCookies(lines: readonly string[]): GoCookie[] {
  return lines.map(parseSetCookie).filter((cookie): cookie is GoCookie => cookie !== undefined);
}
