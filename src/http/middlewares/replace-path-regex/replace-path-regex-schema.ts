import { object, string, type Infer } from '../../../config/schema.js';

export const replacePathRegexSchema = object({
  regex: string(),
  replacement: string(),
});

export type ReplacePathRegexConfig = Infer<typeof replacePathRegexSchema>;
