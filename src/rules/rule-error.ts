/**
 * A rule that cannot be compiled, with the column (1-based, in characters) where the problem is:
 * `unknown matcher "Hots" at col 1; did you mean "Host"?`. The caller prefixes the configuration path.
 */
export class RuleError extends Error {
  /** 1-based column in the rule text, counted in characters (code points). */
  readonly column: number;
  /** What is wrong, without the column: `unknown matcher "Hots"`. */
  readonly reason: string;
  /** A suggestion printed after the column, such as `did you mean "Host"?`. */
  readonly hint: string | undefined;

  constructor(reason: string, column: number, hint?: string) {
    super(`${reason} at col ${column}${hint === undefined ? '' : `; ${hint}`}`);
    this.name = 'RuleError';
    this.reason = reason;
    this.column = column;
    this.hint = hint;
  }
}

/** Returns the 1-based character column of a UTF-16 offset in `text`. */
export function columnAt(text: string, offset: number): number {
  let column = 1;
  for (let index = 0; index < offset && index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A surrogate pair is one character.
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < offset) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    column++;
  }
  return column;
}
