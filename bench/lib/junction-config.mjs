// Junction's configurations for each benchmark variant, in Traefik's format (static and dynamic YAML).
import YAML from 'yaml';

/**
 * Middlewares chained on the router in scenario 6, in order: five common ones, as a user would stack them.
 * The rate limit is far above what the run can reach; `compress` sees no Accept-Encoding from wrk, so it
 * only negotiates and passes the response through. The chain must keep the request answered by the
 * upstream with 200 (the run checks it).
 */
export const middlewareChain = [
  ['bench-headers', { headers: { customRequestHeaders: { 'X-Bench-Request': 'on' }, customResponseHeaders: { 'X-Bench-Response': 'on' } } }],
  ['bench-strip-prefix', { stripPrefix: { prefixes: ['/api'] } }],
  ['bench-rate-limit', { rateLimit: { average: 10_000_000, burst: 10_000_000 } }],
  ['bench-ip-allow-list', { ipAllowList: { sourceRange: ['127.0.0.1/32', '::1/128'] } }],
  ['bench-compress', { compress: {} }],
];

/** Number of routers in the large table of scenario 4, and the one the request matches. */
export const largeTable = { routers: 10_000, requestHost: 'h5000.bench.test' };

/** The request the realistic table (scenario 5) is measured with; it matches router api-07-v2. */
export const realisticRequest = { host: 'api07.example.test', path: '/v2/users/42' };

export function junctionStatic(variant, ctx, dynamicFile) {
  const entryPoint = { address: `127.0.0.1:${ctx.port}` };
  return YAML.stringify({
    entryPoints: { [variant === 'tcp' ? 'tcp' : variant === 'https' ? 'websecure' : 'web']: entryPoint },
    providers: { file: { filename: dynamicFile, watch: false } },
    log: { level: 'ERROR' },
  });
}

const upstreamService = (ctx) => ({ loadBalancer: { servers: [{ url: `http://127.0.0.1:${ctx.upstreamPort}` }] } });

/** The dynamic configuration of a variant, and the request (Host header, path) wrk sends to it. */
export function junctionDynamic(variant, ctx) {
  const service = upstreamService(ctx);
  switch (variant) {
    case 'http':
      return http({ all: { rule: 'PathPrefix(`/`)', service: 'upstream' } }, { upstream: service });
    case 'https':
      return {
        dynamic: YAML.stringify({
          http: { routers: { all: { rule: 'PathPrefix(`/`)', service: 'upstream', tls: {} } }, services: { upstream: service } },
          tls: { certificates: [{ certFile: ctx.cert.certFile, keyFile: ctx.cert.keyFile }] },
        }),
        request: {},
      };
    case 'tcp':
      return {
        dynamic: YAML.stringify({
          tcp: {
            routers: { all: { rule: 'HostSNI(`*`)', service: 'upstream' } },
            services: { upstream: { loadBalancer: { servers: [{ address: `127.0.0.1:${ctx.upstreamPort}` }] } } },
          },
        }),
        request: {},
      };
    case 'routes-1':
      return http({ [`h${5000}`]: { rule: `Host(\`${largeTable.requestHost}\`)`, service: 'upstream' } }, { upstream: service }, { host: largeTable.requestHost });
    case 'routes-10k': {
      const routers = {};
      for (let i = 0; i < largeTable.routers; i++) routers[`h${i}`] = { rule: `Host(\`h${i}.bench.test\`)`, service: 'upstream' };
      return http(routers, { upstream: service }, { host: largeTable.requestHost });
    }
    case 'realistic':
      return realistic(service);
    case 'middlewares':
      return http(
        { api: { rule: 'PathPrefix(`/api`)', service: 'upstream', middlewares: middlewareChain.map(([name]) => name) } },
        { upstream: service },
        { path: '/api/items', expectHeader: 'x-bench-response' },
        Object.fromEntries(middlewareChain),
      );
    default:
      throw new Error(`unknown Junction variant ${variant}`);
  }
}

function http(routers, services, request = {}, middlewares = undefined) {
  return { dynamic: YAML.stringify({ http: { routers, services, ...(middlewares ? { middlewares } : {}) } }), request };
}

/**
 * 100 routers as a small site might have them: 40 whole-host sites (`Host`), and 20 API hosts with three
 * versioned prefixes each (`Host && PathPrefix`), spread over 5 services (all the same upstream). The
 * forwarded headers are Junction's default (X-Forwarded-* and X-Real-Ip set on every request).
 */
function realistic(service) {
  const routers = {};
  const services = {};
  for (let s = 0; s < 5; s++) services[`svc-${s}`] = service;
  for (let i = 0; i < 40; i++) {
    const n = String(i).padStart(2, '0');
    routers[`site-${n}`] = { rule: `Host(\`site${n}.example.test\`)`, service: `svc-${i % 5}` };
  }
  for (let i = 0; i < 20; i++) {
    const n = String(i).padStart(2, '0');
    for (const version of ['v1', 'v2', 'health']) {
      routers[`api-${n}-${version}`] = { rule: `Host(\`api${n}.example.test\`) && PathPrefix(\`/${version}\`)`, service: `svc-${i % 5}` };
    }
  }
  return http(routers, services, realisticRequest);
}
