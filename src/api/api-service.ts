import type { Handler } from '../http/exchange.js';
import type { RuntimeReport } from '../runtime/runtime-report.js';
import { answerApi, notFound } from './api-routes.js';
import type { ApiSettings } from './api-settings.js';
import { serveAsset, serveIndex } from './dashboard-assets.js';

/** Reads `X-Forwarded-Prefix` as Traefik does: an absolute URL (with a scheme or host) is ignored. */
function forwardedPrefix(value: string | string[] | undefined): string {
  const prefix = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(prefix) || prefix.startsWith('//')) return '';
  return prefix.replace(/\/$/, '');
}

/**
 * `api@internal`: the REST API under `api.basePath` and, with the dashboard enabled, the dashboard at
 * `<basePath>/dashboard/` with a redirect from the base path itself, as Traefik's API router.
 */
export function apiService(settings: ApiSettings, report: () => RuntimeReport): Handler {
  const dashboardPath = `${settings.prefix}/dashboard/`;
  return function api(exchange) {
    const { path } = exchange;
    const method = exchange.request.method ?? 'GET';
    const answer = answerApi({ method, path, query: new URLSearchParams(exchange.rawQuery) }, settings, report());
    if (answer !== undefined) return exchange.reply(answer.status, answer.body, { ...answer.headers });
    if (settings.dashboard && method === 'GET') {
      if (path === settings.basePath) {
        const location = `${forwardedPrefix(exchange.request.headers['x-forwarded-prefix'])}${dashboardPath}`;
        return exchange.reply(302, `<a href="${location}">Found</a>.\n\n`, { location, 'content-type': 'text/html; charset=utf-8' });
      }
      if (path === dashboardPath) return serveIndex(exchange, settings);
      if (path.startsWith(dashboardPath)) return serveAsset(exchange, path.slice(dashboardPath.length - 1), settings);
    }
    exchange.reply(notFound.status, notFound.body, { ...notFound.headers });
  };
}
