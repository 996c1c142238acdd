import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange, Handler } from '../http/exchange.js';
import type { ApiSettings } from './api-settings.js';

/** Where `npm run build` writes the dashboard: `dist/dashboard/`, beside `dist/src/`. */
const assetsRoot = fileURLToPath(new URL('../../dashboard/', import.meta.url));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Only frames from the dashboard's own origin, as Traefik limits them. */
const contentSecurityPolicy = "frame-src 'self';";

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

let assets: ReadonlyMap<string, Asset> | undefined;

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** The built files by URL path (`/main.js`), read once: a handful of small files, served often. */
function loadAssets(): ReadonlyMap<string, Asset> {
  if (assets !== undefined) return assets;
  const loaded = new Map<string, Asset>();
  try {
    for (const file of listFiles(assetsRoot)) {
      if (file.endsWith('.d.ts')) continue;
      const urlPath = `/${relative(assetsRoot, file).split(sep).join('/')}`;
      loaded.set(urlPath, { body: readFileSync(file), contentType: contentTypes[extname(file)] ?? 'application/octet-stream' });
    }
  } catch {
    // No built dashboard (a build without `npm run build`): every asset is missing and answers 404.
  }
  assets = loaded;
  return loaded;
}

/** The dashboard page with the API's URL filled in, as Traefik's index template. */
function indexPage(settings: ApiSettings): Buffer | undefined {
  const index = loadAssets().get('/index.html');
  if (index === undefined) return undefined;
  return Buffer.from(index.body.toString('utf8').replaceAll('%API_URL%', `${settings.prefix}/api/`));
}

function notFound(exchange: Exchange): void {
  exchange.reply(404, '404 page not found\n');
}

/** Answers the dashboard page. */
export function serveIndex(exchange: Exchange, settings: ApiSettings): void {
  const page = indexPage(settings);
  if (page === undefined) return notFound(exchange);
  send(exchange, page, 'text/html; charset=utf-8');
}

function send(exchange: Exchange, body: Buffer, contentType: string): void {
  exchange.writeHead(200, { 'content-type': contentType, 'content-length': body.length, 'content-security-policy': contentSecurityPolicy });
  if (exchange.request.method !== 'HEAD') exchange.writer.write(body);
  exchange.writer.end();
}

/** Serves a built file by its path inside the dashboard (`/main.js`); `/index.html` redirects to `./` as Go's file server. */
export function serveAsset(exchange: Exchange, path: string, settings: ApiSettings): void {
  if (path === '/' || path === '') return serveIndex(exchange, settings);
  if (path.endsWith('/index.html')) return exchange.reply(301, '', { location: './' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return notFound(exchange);
  }
  const asset = loadAssets().get(decoded);
  if (asset === undefined) return notFound(exchange);
  send(exchange, asset.body, asset.contentType);
}

/**
 * `dashboard@internal`: the dashboard behind the insecure mode's router, which strips `/dashboard/` or
 * `/dashboard` first. As Traefik documents, the trailing slash of `/dashboard/` is mandatory: a bare
 * `/dashboard` answers 404.
 */
export function dashboardService(settings: ApiSettings): Handler {
  return function dashboard(exchange) {
    if (exchange.request.method !== 'GET' && exchange.request.method !== 'HEAD') return exchange.reply(405, '');
    const strippedPrefix = exchange.request.headers['x-forwarded-prefix'];
    if (strippedPrefix === '/dashboard' || (Array.isArray(strippedPrefix) && strippedPrefix.at(-1) === '/dashboard')) return notFound(exchange);
    serveAsset(exchange, exchange.path, settings);
  };
}
