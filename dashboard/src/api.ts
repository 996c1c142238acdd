/** The API's JSON shapes the dashboard reads (see Junction's `src/api/representations.ts`). */

export type Status = 'enabled' | 'warning' | 'disabled';

export interface Router {
  name: string;
  provider: string;
  status: Status;
  error?: string[];
  rule?: string;
  entryPoints?: string[];
  using?: string[];
  middlewares?: string[];
  service?: string;
  priorityStr?: string;
  tls?: { options?: string; certResolver?: string; domains?: Array<{ main?: string; sans?: string[] }> };
}

export interface Service {
  name: string;
  provider: string;
  status: Status;
  error?: string[];
  type?: string;
  usedBy?: string[];
  serverStatus?: Record<string, 'UP' | 'DOWN'>;
  loadBalancer?: { servers?: Array<{ url?: string; address?: string }>; passHostHeader?: boolean; strategy?: string };
  [kind: string]: unknown;
}

export interface Middleware {
  name: string;
  provider: string;
  status: Status;
  error?: string[];
  type?: string;
  usedBy?: string[];
  [kind: string]: unknown;
}

export interface Counts {
  total: number;
  warnings: number;
  errors: number;
}

export interface Overview {
  http: { routers: Counts; services: Counts; middlewares: Counts };
  tcp: { routers: Counts; services: Counts; middlewares: Counts };
  udp: { routers: Counts; services: Counts };
  features: { tracing: string; metrics: string; accessLog: boolean };
  providers?: string[];
}

export interface EntryPoint {
  name: string;
  address: string;
  [key: string]: unknown;
}

export interface Version {
  Version: string;
  startDate: string;
  dashboardName?: string;
}

/** The API's base URL, filled in by Junction when it serves the page. */
const apiUrl = document.querySelector<HTMLMetaElement>('meta[name="api-url"]')?.content ?? '/api/';

/** Fetches one API resource; a missing item reads as undefined. */
export async function fetchApi<T>(path: string): Promise<T | undefined> {
  const response = await fetch(`${apiUrl}${path}`, { cache: 'no-store' });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}
