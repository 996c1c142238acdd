// The Traefik custom resources Junction reads, described once: deploy/generate.mjs turns this description into
// the CustomResourceDefinitions of both API groups (traefik.io and the legacy traefik.containo.us), so that the
// two groups cannot drift apart.
//
// The schemas are structural (every field typed) and follow the fields Traefik documents for each kind. A subtree
// that the CRD provider passes through unchanged to the dynamic configuration (a middleware's options, a
// health check) keeps unknown fields (`x-kubernetes-preserve-unknown-fields`): Junction's own dynamic
// configuration decoder checks it and reports faults with their path, and a field this schema does not list is
// never pruned by the API server.

const string = { type: 'string' };
const boolean = { type: 'boolean' };
const integer = { type: 'integer' };
const int64 = { type: 'integer', format: 'int64' };
/** A port number or name, a duration in seconds or as text (`10s`). */
const intOrString = { 'x-kubernetes-int-or-string': true };

/** @param {Record<string, object>} properties @param {string[]} [required] */
const object = (properties, required) => ({ type: 'object', ...(required === undefined ? {} : { required }), properties });
/** @param {object} items */
const array = (items) => ({ type: 'array', items });
/** @param {readonly string[]} values */
const oneOf = (values) => ({ type: 'string', enum: values });
/** An object whose fields are checked by Junction's dynamic configuration decoder, not by the API server. */
const freeForm = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
/** Known fields typed, other fields kept: for options the provider reads partly and passes on whole. */
const partlyTyped = (properties) => ({ ...object(properties), 'x-kubernetes-preserve-unknown-fields': true });
/** @param {object} value */
const mapOf = (value) => ({ type: 'object', additionalProperties: value });

const strings = array(string);

/** A reference to another object of the same kind: a middleware, TLS option or store. */
const objectReference = object({ name: string, namespace: string }, ['name']);

const healthCheck = object({
  followRedirects: boolean,
  headers: mapOf(string),
  hostname: string,
  interval: intOrString,
  method: string,
  mode: string,
  path: string,
  port: integer,
  scheme: string,
  status: integer,
  timeout: intOrString,
  unhealthyInterval: intOrString,
});

const stickyCookie = object({
  cookie: object({
    domain: string,
    httpOnly: boolean,
    maxAge: integer,
    name: string,
    path: string,
    sameSite: oneOf(['none', 'lax', 'strict', 'None', 'Lax', 'Strict']),
    secure: boolean,
  }),
});

/** What an IngressRoute, a TraefikService or an errors middleware routes to: a Service or a TraefikService. */
const loadBalancerProperties = {
  name: string,
  namespace: string,
  kind: oneOf(['Service', 'TraefikService']),
  port: intOrString,
  scheme: string,
  strategy: oneOf(['wrr', 'p2c', 'hrw', 'leasttime', 'RoundRobin']),
  passHostHeader: boolean,
  responseForwarding: object({ flushInterval: string }),
  serversTransport: string,
  sticky: stickyCookie,
  healthCheck,
  passiveHealthCheck: object({ failureWindow: intOrString, maxFailedAttempts: integer }),
  nativeLB: boolean,
  nodePortLB: boolean,
  weight: { type: 'integer', minimum: 0 },
  middlewares: array(objectReference),
};
const loadBalancer = object(loadBalancerProperties, ['name']);

const domain = object({ main: string, sans: strings });

const routeTls = {
  secretName: string,
  options: objectReference,
  store: objectReference,
  certResolver: string,
  domains: array(domain),
};

const observability = object({
  accessLogs: boolean,
  metrics: boolean,
  tracing: boolean,
  traceVerbosity: oneOf(['minimal', 'detailed']),
});

const ingressRoute = object({
  entryPoints: strings,
  ingressClassName: string,
  parentRefs: array(objectReference),
  routes: array(object({
    kind: oneOf(['Rule']),
    match: string,
    priority: integer,
    syntax: string,
    middlewares: array(objectReference),
    observability,
    services: array(loadBalancer),
  }, ['match'])),
  tls: object(routeTls),
}, ['routes']);

const tcpService = object({
  name: string,
  namespace: string,
  port: intOrString,
  weight: { type: 'integer', minimum: 0 },
  nativeLB: boolean,
  nodePortLB: boolean,
  proxyProtocol: object({ version: { type: 'integer', minimum: 1 } }),
  serversTransport: string,
  terminationDelay: integer,
  tls: boolean,
}, ['name', 'port']);

const ingressRouteTCP = object({
  entryPoints: strings,
  ingressClassName: string,
  routes: array(object({
    match: string,
    priority: integer,
    syntax: oneOf(['v3', 'v2']),
    middlewares: array(objectReference),
    services: array(tcpService),
  }, ['match'])),
  tls: object({ ...routeTls, passthrough: boolean }),
}, ['routes']);

const ingressRouteUDP = object({
  entryPoints: strings,
  ingressClassName: string,
  routes: array(object({
    services: array(object({
      name: string,
      namespace: string,
      port: intOrString,
      weight: { type: 'integer', minimum: 0 },
      nativeLB: boolean,
      nodePortLB: boolean,
    }, ['name', 'port'])),
  })),
}, ['routes']);

/** Middlewares whose options go to the dynamic configuration as written. */
const passedThroughMiddlewares = [
  'addPrefix', 'buffering', 'circuitBreaker', 'compress', 'contentType', 'encodedCharacters', 'grpcWeb', 'headers',
  'inFlightReq', 'ipAllowList', 'ipWhiteList', 'passTLSClientCert', 'plugin', 'rateLimit', 'redirectRegex',
  'redirectScheme', 'replacePath', 'replacePathRegex', 'retry', 'stripPrefix', 'stripPrefixRegex',
];

/** An authentication middleware whose users come from a Secret in the middleware's namespace. */
const secretAuth = partlyTyped({ secret: string, realm: string, removeHeader: boolean, headerField: string });

const middleware = object({
  ...Object.fromEntries(passedThroughMiddlewares.map((name) => [name, freeForm])),
  basicAuth: secretAuth,
  digestAuth: secretAuth,
  chain: object({ middlewares: array(objectReference) }),
  errors: partlyTyped({ status: strings, service: loadBalancer, query: string, statusRewrites: mapOf(integer) }),
  forwardAuth: partlyTyped({
    address: string,
    tls: object({ caSecret: string, certSecret: string, insecureSkipVerify: boolean, caOptional: boolean }),
  }),
});

const middlewareTCP = object({
  inFlightConn: object({ amount: { type: 'integer', format: 'int64', minimum: 0 } }),
  ipAllowList: object({ sourceRange: strings }),
  ipWhiteList: object({ sourceRange: strings }),
});

const mirror = object({ ...loadBalancerProperties, percent: integer }, ['name']);

const traefikService = object({
  weighted: object({ services: array(loadBalancer), sticky: stickyCookie }),
  mirroring: object({ ...loadBalancerProperties, mirrors: array(mirror), mirrorBody: boolean, maxBodySize: int64 }, ['name']),
  failover: object({ service: loadBalancer, fallback: loadBalancer, errors: object({ status: strings, maxRequestBodyBytes: int64 }) }, ['service', 'fallback']),
  highestRandomWeight: object({ services: array(loadBalancer) }),
});

const tlsOption = object({
  minVersion: string,
  maxVersion: string,
  cipherSuites: strings,
  curvePreferences: strings,
  clientAuth: object({
    secretNames: strings,
    clientAuthType: oneOf(['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']),
  }),
  sniStrict: boolean,
  alpnProtocols: strings,
  disableSessionTickets: boolean,
  preferServerCipherSuites: boolean,
});

const tlsStore = object({
  certificates: array(object({ secretName: string }, ['secretName'])),
  defaultCertificate: object({ secretName: string }, ['secretName']),
  defaultGeneratedCert: object({ resolver: string, domain }),
});

const rootCA = object({ secret: string, configMap: string });
const peerCertSAN = object({ type: string, value: string });
const spiffe = object({ ids: strings, trustDomain: string });
const upstreamTls = {
  serverName: string,
  insecureSkipVerify: boolean,
  rootCAs: array(rootCA),
  rootCAsSecrets: strings,
  certificatesSecrets: strings,
  peerCertURI: string,
  peerCertSANs: array(peerCertSAN),
  spiffe,
};

const serversTransport = object({
  ...upstreamTls,
  minVersion: string,
  maxVersion: string,
  cipherSuites: strings,
  maxIdleConnsPerHost: { type: 'integer', minimum: -1 },
  disableHTTP2: boolean,
  forwardingTimeouts: object({
    dialTimeout: intOrString,
    responseHeaderTimeout: intOrString,
    idleConnTimeout: intOrString,
    pingTimeout: intOrString,
    readIdleTimeout: intOrString,
  }),
});

const serversTransportTCP = object({
  dialTimeout: intOrString,
  dialKeepAlive: intOrString,
  terminationDelay: intOrString,
  proxyProtocol: object({ version: { type: 'integer', minimum: 1 } }),
  tls: object(upstreamTls),
});

/**
 * Every kind, with Traefik's names (plural and singular are the lowercase kind; no short names) and what its
 * `spec` holds. All are namespaced, in version v1alpha1.
 */
export const customResources = [
  { kind: 'IngressRoute', description: 'HTTP routers of Junction (and Traefik): rules, middlewares and services.', spec: ingressRoute },
  { kind: 'IngressRouteTCP', description: 'TCP routers: HostSNI rules, TLS termination or passthrough, and services.', spec: ingressRouteTCP },
  { kind: 'IngressRouteUDP', description: 'UDP routers: the services an entry point forwards datagrams to.', spec: ingressRouteUDP },
  { kind: 'Middleware', description: 'An HTTP middleware: one kind of middleware and its options.', spec: middleware },
  { kind: 'MiddlewareTCP', description: 'A TCP middleware.', spec: middlewareTCP },
  { kind: 'TraefikService', description: 'A service of services: weighted, mirroring, failover or highest random weight.', spec: traefikService },
  { kind: 'TLSOption', description: 'TLS options of the connections a router terminates.', spec: tlsOption },
  { kind: 'TLSStore', description: 'A TLS store: its certificates and default certificate (only the store named default is used).', spec: tlsStore },
  { kind: 'ServersTransport', description: 'How Junction connects to HTTP servers: TLS, timeouts, connection reuse.', spec: serversTransport },
  { kind: 'ServersTransportTCP', description: 'How Junction connects to TCP servers: timeouts, TLS, PROXY protocol.', spec: serversTransportTCP },
];

/** The two API groups Junction reads Traefik's resources from. */
export const groups = ['traefik.io', 'traefik.containo.us'];

export const version = 'v1alpha1';
