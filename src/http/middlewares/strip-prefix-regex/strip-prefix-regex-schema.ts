import { list, object, string, type Infer } from '../../../config/schema.js';

export const stripPrefixRegexSchema = object({
  regex: list(string()),
});

export type StripPrefixRegexConfig = Infer<typeof stripPrefixRegexSchema>;
