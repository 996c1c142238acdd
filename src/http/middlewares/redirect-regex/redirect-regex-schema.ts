import { boolean, object, required, string, type Infer } from '../../../config/schema.js';

/** `redirectRegex`: a Go expression on the request URL, the replacement template and the kind of redirect. */
export const redirectRegexSchema = object({
  // Required by Traefik's documentation; any expression is taken, the empty one included, as its code does.
  regex: required(string()),
  replacement: string(),
  permanent: boolean(),
});

export type RedirectRegexConfig = Infer<typeof redirectRegexSchema>;
