/**
 * A configuration fault, kept with where it is: `http.routers.api.rule: unknown matcher "Hots"`.
 */
export class ConfigError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(path === '' ? reason : `${path}: ${reason}`);
    this.name = 'ConfigError';
    this.path = path;
    this.reason = reason;
  }

  /** Returns the same fault located under a parent path (`sourceRange[1]` under `http.middlewares.lan.ipAllowList`). */
  under(parent: string): ConfigError {
    return new ConfigError(joinPath(parent, this.path), this.reason);
  }
}

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats one path segment: `api`, `["app.v2"]` for names that need quoting, `[3]` for indexes. */
export function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return plainKey.test(key) ? key : `[${JSON.stringify(key)}]`;
}

/** Joins a parent path and a child path or segment, without a dot before brackets. */
export function joinPath(parent: string, child: string | number): string {
  const tail = typeof child === 'number' ? pathSegment(child) : child;
  if (parent === '') return tail;
  if (tail === '') return parent;
  return tail.startsWith('[') ? `${parent}${tail}` : `${parent}.${tail}`;
}

/** Builds a path from segments: `configPath('http', 'routers', 'app.v2', 'rule')`. */
export function configPath(...segments: Array<string | number>): string {
  return segments.reduce<string>((path, segment) => joinPath(path, pathSegment(segment)), '');
}

/** Renders a value the way messages quote the user's input. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return `"${String(value)}"`;
}

/** Returns the known name closest to `input` when one is close enough to be a likely typo. */
export function nearestName(input: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lowered = input.toLowerCase();
  for (const candidate of known) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(input.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** Formats a list of faults one per line, sorted by path so reports are stable. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return [...errors]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((error) => error.message)
    .join('\n');
}
