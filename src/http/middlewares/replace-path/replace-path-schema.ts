import { object, string, type Infer } from '../../../config/schema.js';

export const replacePathSchema = object({
  path: string(),
});

export type ReplacePathConfig = Infer<typeof replacePathSchema>;
