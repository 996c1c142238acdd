import { parse } from 'yaml';
import { ConfigError, quote } from '../../config/errors.js';

/**
 * Traefik 1.x's `service-weights` Ingress annotation, kept as an extension: percentages per Service name for the
 * backends that share one host and path. Both of 1.x's spellings are read; the plain one wins when both are set,
 * as 1.x's annotation lookup did.
 */
export const serviceWeightsAnnotations = ['ingress.kubernetes.io/service-weights', 'traefik.ingress.kubernetes.io/service-weights'] as const;

/** 100 % in Traefik 1.x's unit, a thousandth of a percent (`12.5%` is 12 500): finer digits are dropped. */
const wholePercentage = 100_000;

/** The weights an Ingress declares, and the annotation field its faults are reported at. */
export interface ServiceWeights {
  readonly field: string;
  /** Per Service name, in thousandths of a percent. */
  readonly percentages: ReadonlyMap<string, number>;
}

export type ParsedServiceWeights =
  | { readonly ok: true; readonly value: ServiceWeights | undefined }
  | { readonly ok: false; readonly error: ConfigError };

const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads `75%`, `12.5%` or `75` (a percentage too) as 1.x did: the `%` is optional, digits past the third decimal are cut. */
function parsePercentage(text: string): number | string {
  const number = text.endsWith('%') ? text.slice(0, -1) : text;
  if (!decimal.test(number)) return `expected a percentage such as "25%", got ${quote(text)}`;
  const value = Math.trunc(Math.trunc(Number(number) * wholePercentage) / 100);
  if (value < 0) return `a percentage must not be negative, got ${quote(text)}`;
  if (!Number.isSafeInteger(value)) return `percentage ${quote(text)} is out of range`;
  return value;
}

/** Parses the annotation (a YAML map of Service names to percentages); undefined when the Ingress has none. */
export function parseServiceWeights(annotations: Readonly<Record<string, string>> | undefined): ParsedServiceWeights {
  const name = serviceWeightsAnnotations.find((candidate) => annotations?.[candidate] !== undefined);
  if (name === undefined) return { ok: true, value: undefined };
  const field = `metadata.annotations[${JSON.stringify(name)}]`;
  const fail = (reason: string): ParsedServiceWeights => ({ ok: false, error: new ConfigError(field, reason) });
  let document: unknown;
  try {
    document = parse(annotations![name]!);
  } catch (error) {
    return fail(`expected a YAML map of service names to percentages: ${(error as Error).message.split('\n')[0]}`);
  }
  document ??= {};
  if (typeof document !== 'object' || Array.isArray(document)) return fail('expected a YAML map of service names to percentages');
  const percentages = new Map<string, number>();
  for (const [service, raw] of Object.entries(document as Record<string, unknown>)) {
    const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;
    const percentage = text === undefined ? `expected a percentage such as "25%", got ${quote(JSON.stringify(raw ?? null))}` : parsePercentage(text);
    if (typeof percentage === 'string') return fail(`service ${quote(service)}: ${percentage}`);
    percentages.set(service, percentage);
  }
  return { ok: true, value: { field, percentages } };
}

/** One backend of a weighted path: its Kubernetes Service name, and how many servers its load balancer has. */
export interface WeightedBackend {
  readonly serviceName: string;
  readonly servers: number;
}

function formatPercentage(value: number): string {
  return `${value / 1000}%`;
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Gives each backend of one path its weight, as Traefik 1.x's weight allocator: a weighted backend gets its
 * percentage; the backends whose Service it does not name share the rest in proportion to their servers (1.x
 * weighs every server alike); a name that matches no backend of the path is ignored there. Over 100 %, or under 100 % with no backend left to take the rest, is a fault.
 * Returns integer weights in the backends' order, reduced by their greatest common divisor (75 % / 25 % → 3 / 1),
 * or the reason the path is refused.
 */
export function allocateWeights(backends: readonly WeightedBackend[], percentages: ReadonlyMap<string, number>, where: string): number[] | string {
  // 1.x gives each server of a backend an equal, truncated share of the backend's percentage.
  const perServer = (percentage: number, servers: number): number => (servers === 0 ? 0 : Math.trunc(percentage / servers));
  const weights = backends.map(() => 0);
  const unweighted: number[] = [];
  let assigned = 0;
  backends.forEach((backend, index) => {
    const percentage = percentages.get(backend.serviceName);
    if (percentage === undefined) return void unweighted.push(index);
    weights[index] = perServer(percentage, backend.servers) * backend.servers;
    assigned += percentage;
  });
  if (assigned > wholePercentage) return `the weights of path ${quote(where)} sum to ${formatPercentage(assigned)}, over 100%`;
  const rest = wholePercentage - assigned;
  if (unweighted.length === 0 && rest > 0) {
    return `the weights of path ${quote(where)} sum to ${formatPercentage(assigned)}, and no backend without a weight is left to take the remaining ${formatPercentage(rest)}`;
  }
  const unweightedServers = unweighted.reduce((sum, index) => sum + backends[index]!.servers, 0);
  for (const index of unweighted) weights[index] = perServer(rest, unweightedServers) * backends[index]!.servers;
  const divisor = weights.reduce(greatestCommonDivisor, 0);
  return divisor === 0 ? weights : weights.map((weight) => weight / divisor);
}
