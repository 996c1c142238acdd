import { boolean, object, type Infer } from '../../../config/schema.js';

/**
 * Options of the `encodedCharacters` middleware: which ambiguous encoded characters a request path may hold.
 * Each is refused unless allowed (the entryPoint option of the same shape allows all of them by default).
 */
export const encodedCharactersSchema = object({
  allowEncodedSlash: boolean(),
  allowEncodedBackSlash: boolean(),
  allowEncodedNullCharacter: boolean(),
  allowEncodedSemicolon: boolean(),
  allowEncodedPercent: boolean(),
  allowEncodedQuestionMark: boolean(),
  allowEncodedHash: boolean(),
});

export type EncodedCharactersConfig = Infer<typeof encodedCharactersSchema>;
