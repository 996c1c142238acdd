import { quote } from '../../config/errors.js';

/** How a mesh Service's ports are carried: Traefik Mesh's `traffic-type`. */
export type TrafficType = 'http' | 'tcp' | 'udp';
export const trafficTypes: readonly TrafficType[] = ['http', 'tcp', 'udp'];

/** How the proxy talks to the pods of an HTTP Service: Traefik Mesh's `scheme`. */
export type MeshScheme = 'http' | 'https' | 'h2c';
const schemes: readonly MeshScheme[] = ['http', 'https', 'h2c'];

/** A middleware an annotation asks for, under the suffix Traefik Mesh appends to `<namespace>-<service>-`. */
export interface MeshMiddleware {
  readonly suffix: 'retry' | 'rate-limit' | 'circuit-breaker';
  readonly config: Readonly<Record<string, unknown>>;
}

/** What a Service's annotations ask of the mesh. */
export interface MeshServiceSettings {
  readonly trafficType: TrafficType;
  readonly scheme: MeshScheme;
  /** In Traefik Mesh's building order: retry, rate limit, circuit breaker (HTTP Services only). */
  readonly middlewares: readonly MeshMiddleware[];
}

/** The settings, or the annotation that makes the Service unusable and why. */
export type MeshSettingsOutcome =
  | { readonly ok: true; readonly value: MeshServiceSettings }
  | {
    readonly ok: false;
    readonly annotation: string;
    readonly reason: string;
    /** The traffic type, when the fault is in another annotation: the Service's routers are known then. */
    readonly trafficType?: TrafficType;
  };

type Annotations = Readonly<Record<string, string>>;

/** An annotation found under its current prefix or, failing that, the legacy `maesh.containo.us/` one, as Traefik Mesh reads it. */
interface Found {
  readonly key: string;
  readonly value: string;
}

function annotation(annotations: Annotations, name: string): Found | undefined {
  for (const prefix of ['mesh.traefik.io/', 'maesh.containo.us/']) {
    const key = `${prefix}${name}`;
    const value = annotations[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

/** Parses an integer as Go's `strconv.Atoi` does: optional sign, decimal digits only. */
function parseAtoi(value: string): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

const fault = (found: Found, reason: string, trafficType?: TrafficType): MeshSettingsOutcome =>
  ({ ok: false, annotation: found.key, reason, ...(trafficType === undefined ? {} : { trafficType }) });

/**
 * Reads a Service's `mesh.traefik.io/*` annotations as Traefik Mesh does: traffic type and scheme first (their
 * faults stop the Service), then, for HTTP Services only, the middlewares. A rate limit needs both
 * `ratelimit-burst` and `ratelimit-average` (one alone is ignored, the burst being read first) and both above 0.
 */
export function readMeshSettings(annotations: Annotations, defaultMode: TrafficType): MeshSettingsOutcome {
  const trafficTypeFound = annotation(annotations, 'traffic-type');
  let trafficType = defaultMode;
  if (trafficTypeFound !== undefined) {
    if (!(trafficTypes as readonly string[]).includes(trafficTypeFound.value)) {
      return fault(trafficTypeFound, `unsupported traffic type ${quote(trafficTypeFound.value)}; expected one of ${trafficTypes.join(', ')}`);
    }
    trafficType = trafficTypeFound.value as TrafficType;
  }

  const schemeFound = annotation(annotations, 'scheme');
  let scheme: MeshScheme = 'http';
  if (schemeFound !== undefined) {
    if (!(schemes as readonly string[]).includes(schemeFound.value)) {
      return fault(schemeFound, `unsupported scheme ${quote(schemeFound.value)}; expected one of ${schemes.join(', ')}`, trafficType);
    }
    scheme = schemeFound.value as MeshScheme;
  }

  // Traefik Mesh builds middlewares for HTTP Services only: the annotations of others are not even read.
  if (trafficType !== 'http') return { ok: true, value: { trafficType, scheme, middlewares: [] } };
  const middlewares: MeshMiddleware[] = [];

  const retry = annotation(annotations, 'retry-attempts');
  if (retry !== undefined) {
    const attempts = parseAtoi(retry.value);
    if (attempts === undefined) return fault(retry, `expected an integer, got ${quote(retry.value)}`, trafficType);
    middlewares.push({ suffix: 'retry', config: { retry: { attempts } } });
  }

  const burstFound = annotation(annotations, 'ratelimit-burst');
  if (burstFound !== undefined) {
    const burst = parseAtoi(burstFound.value);
    if (burst === undefined) return fault(burstFound, `expected an integer, got ${quote(burstFound.value)}`, trafficType);
    const averageFound = annotation(annotations, 'ratelimit-average');
    if (averageFound !== undefined) {
      const average = parseAtoi(averageFound.value);
      if (average === undefined) return fault(averageFound, `expected an integer, got ${quote(averageFound.value)}`, trafficType);
      if (burst <= 0) return fault(burstFound, `burst and average must be greater than 0, got burst ${burst}`, trafficType);
      if (average <= 0) return fault(averageFound, `burst and average must be greater than 0, got average ${average}`, trafficType);
      middlewares.push({ suffix: 'rate-limit', config: { rateLimit: { burst, average } } });
    }
  }

  const expression = annotation(annotations, 'circuit-breaker-expression');
  if (expression !== undefined) middlewares.push({ suffix: 'circuit-breaker', config: { circuitBreaker: { expression: expression.value } } });

  return { ok: true, value: { trafficType, scheme, middlewares } };
}
