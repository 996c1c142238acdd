import { list, object, string, type Infer } from '../../../config/schema.js';

/** `stripPrefixRegex`: Go expressions whose match at the start of the decoded path is removed. */
export const stripPrefixRegexSchema = object({
  regex: list(string()),
});

export type StripPrefixRegexConfig = Infer<typeof stripPrefixRegexSchema>;
