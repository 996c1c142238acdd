/** Traefik's list parameters (`pkg/api/criterion.go`, `pkg/api/sort.go`): filters, sorting and pages. */

const defaultPerPage = 100;
const defaultPage = 1;

/** A fault in the query, answered with 400 and this message. */
export class ListQueryError extends Error {}

/** The filters of a list request; undefined fields do not filter. */
export interface SearchCriterion {
  readonly search: string;
  readonly status: string;
  readonly serviceName: string;
  readonly middlewareName: string;
}

/** Reads the filters; undefined when none is set, so every item is kept. */
export function searchCriterion(query: URLSearchParams): SearchCriterion | undefined {
  const criterion = {
    search: query.get('search') ?? '',
    status: query.get('status') ?? '',
    serviceName: query.get('serviceName') ?? '',
    middlewareName: query.get('middlewareName') ?? '',
  };
  return Object.values(criterion).every((value) => value === '') ? undefined : criterion;
}

/** True when `status` is asked for (case-insensitively) or no status is. */
export function withStatus(criterion: SearchCriterion, status: string): boolean {
  return criterion.status === '' || criterion.status.toLowerCase() === status.toLowerCase();
}

/** True when one of the values contains the search text, case-insensitively, or nothing is searched. */
export function searchIn(criterion: SearchCriterion, ...values: readonly string[]): boolean {
  if (criterion.search === '') return true;
  const needle = criterion.search.toLowerCase();
  return values.some((value) => value.toLowerCase().includes(needle));
}

/** As Traefik: a qualified service reference must equal the filter; an unqualified one matches the filter's name part. */
export function filterService(criterion: SearchCriterion, service: string): boolean {
  if (criterion.serviceName === '') return true;
  if (service.includes('@')) return criterion.serviceName === service;
  return criterion.serviceName.split('@')[0] === service;
}

/** True when the router lists the middleware exactly as written, or no middleware is asked for. */
export function filterMiddleware(criterion: SearchCriterion, middlewares: readonly string[]): boolean {
  return criterion.middlewareName === '' || middlewares.includes(criterion.middlewareName);
}

/** Reads a positive integer parameter as Go's `strconv.Atoi`; a fault reads as Traefik's message. */
function intParam(query: URLSearchParams, key: string, fallback: number): number {
  const raw = query.get(key) ?? '';
  if (raw === '') return fallback;
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : 0;
  if (!Number.isSafeInteger(value) || value <= 0) throw new ListQueryError(`invalid request: ${key}: ${Number.isSafeInteger(value) ? value : 0}`);
  return value;
}

/** The slice of a list one page shows and the page that follows (1 when this is the last one). */
export interface Page {
  readonly start: number;
  readonly end: number;
  readonly nextPage: number;
}

/** Computes the page asked for (`page`, `per_page`); a page past the end is a fault, except the first. */
export function pagination(query: URLSearchParams, total: number): Page {
  const perPage = intParam(query, 'per_page', defaultPerPage);
  const page = intParam(query, 'page', defaultPage);
  const start = (page - 1) * perPage;
  if (start !== 0 && start >= total) throw new ListQueryError(`invalid request: page: ${page}, per_page: ${perPage}`);
  return { start, end: Math.min(start + perPage, total), nextPage: page * perPage < total ? page + 1 : 1 };
}

/** A sort key of a list: a string or a number read from each item. */
export type SortKey<T> = (item: T) => string | number;

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts in place by `sortBy` (one of `keys`, else by name) and `direction` (`asc` by default); equal keys
 * fall back to the name in the same direction, as Traefik's `sortByFunc`.
 */
export function sortItems<T extends { readonly name: string }>(query: URLSearchParams, items: T[], keys: Readonly<Record<string, SortKey<T>>>): void {
  // As Traefik: any direction other than `asc` (the default) sorts descending.
  const direction = query.get('direction') ?? '';
  const sign = direction === '' || direction === 'asc' ? 1 : -1;
  const key = keys[query.get('sortBy') ?? ''];
  items.sort((a, b) => {
    const byKey = key === undefined ? 0 : compare(key(a), key(b));
    return sign * (byKey !== 0 ? byKey : compare(a.name, b.name));
  });
}
