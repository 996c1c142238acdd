import { boolean, list, object, string, type Infer } from '../../../config/schema.js';

/** `digestAuth`: htdigest users (`name:realm:md5`), inline and from a file. */
export const digestAuthSchema = object({
  users: list(string()),
  usersFile: string(),
  realm: string(),
  removeHeader: boolean(),
  headerField: string(),
});

export type DigestAuthConfig = Infer<typeof digestAuthSchema>;
