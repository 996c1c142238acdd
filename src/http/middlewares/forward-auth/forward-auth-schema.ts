import { boolean, list, number, object, required, string, type Infer } from '../../../config/schema.js';

/** `forwardAuth.tls`: how Junction connects to an `https://` authentication server. */
export const forwardAuthTlsSchema = object({
  ca: string(),
  cert: string(),
  key: string(),
  insecureSkipVerify: boolean(),
  /** Deprecated in Traefik and ignored: client authentication is a server-side setting. */
  caOptional: boolean(),
});

/** `forwardAuth`: delegates the decision to an authentication server. */
export const forwardAuthSchema = object({
  address: required(string()),
  tls: forwardAuthTlsSchema,
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
export type ForwardAuthTlsConfig = Infer<typeof forwardAuthTlsSchema>;
