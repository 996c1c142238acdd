import { object, required, string, type Infer } from '../../../config/schema.js';

/** `replacePathRegex`: a Go expression on the escaped path and its replacement template. */
export const replacePathRegexSchema = object({
  // Required by Traefik's documentation; any expression is taken, the empty one included, as its code does.
  regex: required(string()),
  replacement: string(),
});

export type ReplacePathRegexConfig = Infer<typeof replacePathRegexSchema>;
