import { boolean, list, number, object, required, string, type Infer } from '../../../config/schema.js';
import { clientTlsSchema } from '../../../tls/client-tls.js';

/** `forwardAuth`: delegates the decision to an authentication server. */
export const forwardAuthSchema = object({
  address: required(string()),
  /** How Junction connects to an `https://` authentication server. */
  tls: clientTlsSchema,
  trustForwardHeader: boolean(),
  authResponseHeaders: list(string()),
  authResponseHeadersRegex: string(),
  authRequestHeaders: list(string()),
  addAuthCookiesToResponse: list(string()),
  forwardBody: boolean(),
  maxBodySize: number({ integer: true }),
  maxResponseBodySize: number({ integer: true }),
  headerField: string(),
  preserveLocationHeader: boolean(),
  preserveRequestMethod: boolean(),
  authSigninURL: string(),
});

export type ForwardAuthConfig = Infer<typeof forwardAuthSchema>;
