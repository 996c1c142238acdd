import { boolean, list, object, string, type Infer } from '../../../config/schema.js';

/** `stripPrefix`: prefixes removed from the decoded path. */
export const stripPrefixSchema = object({
  prefixes: list(string()),
  /** Deprecated in Traefik, still honoured: a stripped path is `/` rather than empty. */
  forceSlash: boolean(),
});

export type StripPrefixConfig = Infer<typeof stripPrefixSchema>;
