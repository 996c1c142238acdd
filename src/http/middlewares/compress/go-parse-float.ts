/**
 * Go's `strconv.ParseFloat(s, 64)`, for the q-values of Accept-Encoding: Traefik takes the value even when
 * Go reports it out of range (`1e400` is +Inf) and 0 when the text is not a number.
 */

/** Underscores may only separate digits (or follow a base prefix), as in Go number literals. */
function isUnderscoreOk(text: string): boolean {
  let saw = '^';
  let i = 0;
  let rest = text;
  if (rest.startsWith('+') || rest.startsWith('-')) rest = rest.slice(1);
  let isHex = false;
  if (rest.length >= 2 && rest[0] === '0' && 'box'.includes(rest[1]!.toLowerCase())) {
    i = 2;
    saw = '0';
    isHex = rest[1]!.toLowerCase() === 'x';
  }
  for (; i < rest.length; i++) {
    const char = rest[i]!;
    const lower = char.toLowerCase();
    if ((char >= '0' && char <= '9') || (isHex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (char === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const hexadecimal = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

function special(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  const sign = lower.startsWith('-') ? -1 : 1;
  const unsigned = lower.startsWith('+') || lower.startsWith('-') ? lower.slice(1) : lower;
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Infinity;
  return undefined;
}

/** Returns the number Go parses from `text`, or undefined where Go reports a syntax error. */
export function goParseFloat(text: string): number | undefined {
  const named = special(text);
  if (named !== undefined) return named;
  let digits = text;
  if (text.includes('_')) {
    if (!isUnderscoreOk(text)) return undefined;
    digits = text.replaceAll('_', '');
  }
  if (decimal.test(digits)) return Number(digits);
  const hex = hexadecimal.exec(digits);
  if (hex === null) return undefined;
  const [, sign, whole, fraction = '', exponent] = hex;
  if (whole === '' && fraction === '') return undefined;
  let mantissa = 0;
  for (const char of whole! + fraction) mantissa = mantissa * 16 + Number.parseInt(char, 16);
  const value = mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
  return sign === '-' ? -value : value;
}
