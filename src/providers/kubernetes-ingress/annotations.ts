import { ConfigError, quote } from '../../config/errors.js';

/** Prefix of Traefik's Ingress annotations; `router.*` are read from the Ingress, `service.*` from the Service. */
export const annotationPrefix = 'traefik.ingress.kubernetes.io/';

export type PathMatcher = 'Path' | 'PathPrefix' | 'PathRegexp';

/** `traefik.ingress.kubernetes.io/router.*`: what every router of an Ingress gets. */
export interface RouterAnnotations {
  readonly pathMatcher?: string;
  readonly entryPoints?: readonly string[];
  readonly middlewares?: readonly string[];
  readonly priority?: number;
  readonly ruleSyntax?: string;
  readonly tls?: Readonly<Record<string, unknown>>;
  readonly observability?: Readonly<Record<string, unknown>>;
}

/** `traefik.ingress.kubernetes.io/service.*`: how the servers of a Service are reached, and what runs in front of them. */
export interface ServiceAnnotations {
  readonly serversScheme?: string;
  readonly serversTransport?: string;
  readonly passHostHeader?: boolean;
  readonly sticky?: { readonly cookie: Readonly<Record<string, unknown>> };
  /** Middlewares in front of the service, whichever router reaches it (`service.middlewares`). */
  readonly middlewares?: readonly string[];
  readonly nativeLB?: boolean;
  readonly nodePortLB: boolean;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Parses a boolean as Go's `strconv.ParseBool`, which Traefik's label decoder uses. */
function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}

function parseList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** The annotations under `traefik.ingress.kubernetes.io/<section>.`, keyed by the lowercased rest. */
function annotationsOf(annotations: Readonly<Record<string, string>> | undefined, section: 'router' | 'service'): Array<[key: string, value: string, path: string]> {
  const entries: Array<[string, string, string]> = [];
  const head = `${annotationPrefix}${section}.`;
  for (const [name, value] of Object.entries(annotations ?? {})) {
    if (!name.toLowerCase().startsWith(head)) continue;
    entries.push([name.slice(head.length).toLowerCase(), value, `metadata.annotations[${JSON.stringify(name)}]`]);
  }
  return entries;
}

class Reader {
  readonly errors: ConfigError[] = [];
  constructor(readonly path: string, readonly value: string) {}

  bool(): boolean | undefined {
    const parsed = parseBool(this.value.trim());
    if (parsed === undefined) this.errors.push(new ConfigError(this.path, `expected a boolean, got ${quote(this.value)}`));
    return parsed;
  }

  integer(): number | undefined {
    if (!/^[+-]?\d+$/.test(this.value.trim())) {
      this.errors.push(new ConfigError(this.path, `expected an integer, got ${quote(this.value)}`));
      return undefined;
    }
    return Number(this.value.trim());
  }

  unknown(section: string): void {
    this.errors.push(new ConfigError(this.path, `unknown ${section} annotation`));
  }
}

const tlsDomainKey = /^tls\.domains\.(\d+)\.(main|sans)$/;

/** Decodes an Ingress's `router.*` annotations as Traefik's label decoder would; an unknown key is a fault. */
export function parseRouterAnnotations(annotations: Readonly<Record<string, string>> | undefined): Parsed<RouterAnnotations> {
  const router: { -readonly [K in keyof RouterAnnotations]: RouterAnnotations[K] } = {};
  const errors: ConfigError[] = [];
  let tls: Record<string, unknown> | undefined;
  const domains: Array<{ main?: string; sans?: string[] }> = [];
  const observability: Record<string, unknown> = {};
  for (const [key, value, path] of annotationsOf(annotations, 'router')) {
    const reader = new Reader(path, value);
    const domain = tlsDomainKey.exec(key);
    if (domain !== null) {
      tls ??= {};
      const entry = (domains[Number(domain[1])] ??= {});
      if (domain[2] === 'main') entry.main = value;
      else entry.sans = parseList(value);
    } else {
      switch (key) {
        case 'pathmatcher': router.pathMatcher = value; break;
        case 'entrypoints': router.entryPoints = parseList(value); break;
        case 'middlewares': router.middlewares = parseList(value); break;
        case 'priority': router.priority = reader.integer(); break;
        case 'rulesyntax': router.ruleSyntax = value; break;
        // `router.tls: "true"` enables TLS with its defaults; `false` leaves it off unless a sub-key sets it.
        case 'tls': if (reader.bool() === true) tls ??= {}; break;
        case 'tls.certresolver': (tls ??= {}).certResolver = value; break;
        case 'tls.options': (tls ??= {}).options = value; break;
        case 'observability.accesslogs': observability.accessLogs = reader.bool(); break;
        case 'observability.metrics': observability.metrics = reader.bool(); break;
        case 'observability.tracing': observability.tracing = reader.bool(); break;
        case 'observability.traceverbosity': observability.traceVerbosity = value; break;
        default: reader.unknown('router');
      }
    }
    errors.push(...reader.errors);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (tls !== undefined && domains.length > 0) tls.domains = domains.filter((domain) => domain !== undefined);
  if (tls !== undefined) router.tls = tls;
  if (Object.keys(observability).length > 0) router.observability = observability;
  return { ok: true, value: router };
}

const cookieFields: Readonly<Record<string, { name: string; type: 'string' | 'bool' | 'integer' }>> = {
  name: { name: 'name', type: 'string' },
  secure: { name: 'secure', type: 'bool' },
  httponly: { name: 'httpOnly', type: 'bool' },
  samesite: { name: 'sameSite', type: 'string' },
  maxage: { name: 'maxAge', type: 'integer' },
  path: { name: 'path', type: 'string' },
  domain: { name: 'domain', type: 'string' },
};

/** Decodes a Service's `service.*` annotations as Traefik's label decoder would; an unknown key is a fault. */
export function parseServiceAnnotations(annotations: Readonly<Record<string, string>> | undefined): Parsed<ServiceAnnotations> {
  const service: { -readonly [K in keyof ServiceAnnotations]: ServiceAnnotations[K] } = { nodePortLB: false };
  const errors: ConfigError[] = [];
  let cookie: Record<string, unknown> | undefined;
  for (const [key, value, path] of annotationsOf(annotations, 'service')) {
    const reader = new Reader(path, value);
    const cookieField = key.startsWith('sticky.cookie.') ? cookieFields[key.slice('sticky.cookie.'.length)] : undefined;
    if (cookieField !== undefined) {
      cookie ??= {};
      cookie[cookieField.name] = cookieField.type === 'bool' ? reader.bool() : cookieField.type === 'integer' ? reader.integer() : value;
    } else {
      switch (key) {
        case 'serversscheme': service.serversScheme = value; break;
        case 'serverstransport': service.serversTransport = value; break;
        case 'passhostheader': service.passHostHeader = reader.bool(); break;
        case 'nativelb': service.nativeLB = reader.bool(); break;
        case 'nodeportlb': service.nodePortLB = reader.bool() ?? false; break;
        case 'sticky.cookie': if (reader.bool() === true) cookie ??= {}; break;
        case 'middlewares': service.middlewares = parseList(value); break;
        default: reader.unknown('service');
      }
    }
    errors.push(...reader.errors);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (cookie !== undefined) service.sticky = { cookie };
  return { ok: true, value: service };
}
