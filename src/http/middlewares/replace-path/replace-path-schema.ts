import { object, string, type Infer } from '../../../config/schema.js';

/** `replacePath`: the escaped path that replaces the request's. */
export const replacePathSchema = object({
  path: string(),
});

export type ReplacePathConfig = Infer<typeof replacePathSchema>;
