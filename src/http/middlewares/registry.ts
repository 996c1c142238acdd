import type { HttpMiddlewareConfig } from '../../config/dynamic/http-schema.js';
import { addPrefix } from './add-prefix/add-prefix.js';
import { basicAuth } from './basic-auth/basic-auth.js';
import { buffering } from './buffering/buffering.js';
import { circuitBreaker } from './circuit-breaker/circuit-breaker.js';
import { compress } from './compress/compress.js';
import { contentType } from './content-type/content-type.js';
import { digestAuth } from './digest-auth/digest-auth.js';
import { encodedCharacters } from './encoded-characters/encoded-characters.js';
import { errors } from './errors/errors.js';
import { forwardAuth } from './forward-auth/forward-auth.js';
import { grpcWeb } from './grpc-web/grpc-web.js';
import { headers } from './headers/headers.js';
import type { MiddlewareFactory } from './middleware.js';
import { plugin } from './plugin/plugin.js';
import { redirectRegex } from './redirect-regex/redirect-regex.js';
import { redirectScheme } from './redirect-scheme/redirect-scheme.js';
import { replacePath } from './replace-path/replace-path.js';
import { replacePathRegex } from './replace-path-regex/replace-path-regex.js';
import { retry } from './retry/retry.js';
import { stripPrefix } from './strip-prefix/strip-prefix.js';
import { stripPrefixRegex } from './strip-prefix-regex/strip-prefix-regex.js';
import { rateLimit } from './rate-limit/rate-limit.js';
import { inFlightReq } from './in-flight-req/in-flight-req.js';
import { ipAllowList, ipWhiteList } from './ip-allow-list/ip-allow-list.js';
import { passTLSClientCert } from './pass-tls-client-cert/pass-tls-client-cert.js';

type MiddlewareKind = HttpMiddlewareConfig['kind'];
type ConfigOf<K extends MiddlewareKind> = Extract<HttpMiddlewareConfig, { kind: K }>['config'];

/**
 * Factories by configuration key. A kind Traefik knows but that has no factory here is reported as not
 * supported. `chain` is not here: the builder expands it, since it only names other middlewares.
 */
export const middlewareFactories: { readonly [K in MiddlewareKind]?: MiddlewareFactory<ConfigOf<K>> } = {
  addPrefix,
  stripPrefix,
  stripPrefixRegex,
  replacePath,
  replacePathRegex,
  headers,
  contentType,
  errors,
  redirectScheme,
  redirectRegex,
  compress,
  plugin,
  basicAuth,
  digestAuth,
  forwardAuth,
  circuitBreaker,
  retry,
  buffering,
  rateLimit,
  inFlightReq,
  ipAllowList,
  passTLSClientCert,
  ipWhiteList,
  grpcWeb,
  encodedCharacters,
};
