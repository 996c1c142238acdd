import { boolean, list, map, number, object, string, type Infer } from '../../../config/schema.js';
import { checkHeaderName, checkHeaderValue } from './header-fields.js';

/** Header names to values; an empty value removes the header. */
const headerMap = map(string(checkHeaderValue), { checkKey: checkHeaderName });
const headerValue = string(checkHeaderValue);
const headerValues = list(headerValue);

/** Options of the `headers` middleware, spelled as Traefik spells them. */
export const headersSchema = object({
  customRequestHeaders: headerMap,
  customResponseHeaders: headerMap,
  accessControlAllowCredentials: boolean(),
  accessControlAllowHeaders: headerValues,
  accessControlAllowMethods: headerValues,
  accessControlAllowOriginList: headerValues,
  accessControlAllowOriginListRegex: list(string()),
  accessControlExposeHeaders: headerValues,
  accessControlMaxAge: number({ integer: true }),
  addVaryHeader: boolean(),
  allowedHosts: list(string()),
  hostsProxyHeaders: list(string(checkHeaderName)),
  sslRedirect: boolean(),
  sslTemporaryRedirect: boolean(),
  sslHost: string(),
  sslProxyHeaders: map(string(), { checkKey: checkHeaderName }),
  sslForceHost: boolean(),
  stsSeconds: number({ integer: true }),
  stsIncludeSubdomains: boolean(),
  stsPreload: boolean(),
  forceSTSHeader: boolean(),
  frameDeny: boolean(),
  customFrameOptionsValue: headerValue,
  contentTypeNosniff: boolean(),
  browserXssFilter: boolean(),
  customBrowserXSSValue: headerValue,
  contentSecurityPolicy: headerValue,
  contentSecurityPolicyReportOnly: headerValue,
  publicKey: headerValue,
  referrerPolicy: headerValue,
  featurePolicy: string(),
  permissionsPolicy: headerValue,
  isDevelopment: boolean(),
});

export type HeadersConfig = Infer<typeof headersSchema>;
