import { boolean, list, object, string, type Infer } from '../../../config/schema.js';

/** `basicAuth`: htpasswd users, inline and from a file. */
export const basicAuthSchema = object({
  users: list(string()),
  usersFile: string(),
  realm: string(),
  removeHeader: boolean(),
  headerField: string(),
});

export type BasicAuthConfig = Infer<typeof basicAuthSchema>;
