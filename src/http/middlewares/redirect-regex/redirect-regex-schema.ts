import { boolean, object, string, type Infer } from '../../../config/schema.js';

export const redirectRegexSchema = object({
  regex: string(),
  replacement: string(),
  permanent: boolean(),
});

export type RedirectRegexConfig = Infer<typeof redirectRegexSchema>;
