import type { Ranges } from './go-regexp-ranges.js';

/**
 * The named character classes of Go's regexp syntax: Perl classes (`\d`), POSIX classes
 * (`[:alpha:]`) and Unicode classes (`\pL`, `\p{Greek}`), with the names Go accepts.
 */

/** A Unicode property as JavaScript names it (`L`, `Script=Greek`), possibly negated. */
export interface PropertyItem {
  readonly name: string;
  readonly negated: boolean;
}

const DIGITS: Ranges = [0x30, 0x39];
const SPACES: Ranges = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20];
const WORD: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];

export const PERL_CLASSES: Readonly<Record<string, Ranges>> = { d: DIGITS, s: SPACES, w: WORD };

export const POSIX_CLASSES: Readonly<Record<string, Ranges>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: DIGITS,
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: WORD,
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// Go's unicode.Categories keys, which JavaScript accepts under the same names.
const CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Cn', 'Co', 'Cs', 'L', 'LC', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn',
  'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So',
  'Z', 'Zl', 'Zp', 'Zs',
]);

// Go's unicode.CategoryAliases, keyed by their canonical lookup form.
const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  Casedletter: 'LC', Closepunctuation: 'Pe', Combiningmark: 'M', Connectorpunctuation: 'Pc', Control: 'Cc',
  Currencysymbol: 'Sc', Dashpunctuation: 'Pd', Decimalnumber: 'Nd', Enclosingmark: 'Me', Finalpunctuation: 'Pf',
  Format: 'Cf', Initialpunctuation: 'Pi', Letter: 'L', Letternumber: 'Nl', Lineseparator: 'Zl',
  Lowercaseletter: 'Ll', Mark: 'M', Mathsymbol: 'Sm', Modifierletter: 'Lm', Modifiersymbol: 'Sk',
  Nonspacingmark: 'Mn', Number: 'N', Openpunctuation: 'Ps', Other: 'C', Otherletter: 'Lo', Othernumber: 'No',
  Otherpunctuation: 'Po', Othersymbol: 'So', Paragraphseparator: 'Zp', Privateuse: 'Co', Punctuation: 'P',
  Separator: 'Z', Spaceseparator: 'Zs', Spacingmark: 'Mc', Surrogate: 'Cs', Symbol: 'S', Titlecaseletter: 'Lt',
  Unassigned: 'Cn', Uppercaseletter: 'Lu', Cntrl: 'Cc', Digit: 'Nd',
};

// Go's unicode.Scripts keys that its name lookup can reach (names already in canonical form).
const SCRIPTS = new Set(
  ('Adlam Ahom Arabic Armenian Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese ' +
    'Buhid Carian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari ' +
    'Dogra Duployan Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gurmukhi Han ' +
    'Hangul Hanunoo Hatran Hebrew Hiragana Inherited Javanese Kaithi Kannada Katakana Kawi Kharoshthi Khmer ' +
    'Khojki Khudawadi Lao Latin Lepcha Limbu Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean ' +
    'Marchen Medefaidrin Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari Newa Nko Nushu Ogham ' +
    'Oriya Osage Osmanya Palmyrene Phoenician Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham Sinhala ' +
    'Sogdian Soyombo Sundanese Syriac Tagalog Tagbanwa Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan ' +
    'Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Yezidi Yi').split(' '),
);

/** Go's canonical name for Unicode class lookups: first letter upper, the rest lower, no `_`, `-` or space. */
function canonicalName(name: string): string {
  let out = '';
  let first = true;
  for (const character of name) {
    if (character === '_' || character === '-' || character === ' ') continue;
    out += first ? character.toUpperCase() : character.toLowerCase();
    first = false;
  }
  return out;
}

/** Returns the JavaScript property for a Go Unicode class name, or undefined when Go does not know it. */
export function unicodeProperty(name: string): PropertyItem | undefined {
  const canonical = canonicalName(name);
  switch (canonical) {
    case 'Any':
      return { name: 'Any', negated: false };
    case 'Assigned':
      return { name: 'Cn', negated: true };
    case 'Ascii':
      return { name: 'ASCII', negated: false };
    case 'Lc':
      return { name: 'LC', negated: false };
  }
  if (CATEGORIES.has(canonical)) return { name: canonical, negated: false };
  if (SCRIPTS.has(canonical)) return { name: `Script=${canonical}`, negated: false };
  const alias = CATEGORY_ALIASES[canonical];
  return alias === undefined ? undefined : { name: alias, negated: false };
}
