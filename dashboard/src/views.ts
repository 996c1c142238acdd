import { fetchApi, type Counts, type EntryPoint, type Middleware, type Overview, type Router, type Service, type Version } from './api.js';
import { badge, errorList, h, link, names, table } from './dom.js';

export type Protocol = 'http' | 'tcp' | 'udp';

function countsCard(title: string, hash: string, counts: Counts | undefined): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-card': hash },
    h('div', {}, link(hash, title)),
    h('div', { class: 'total' }, counts?.total ?? 0),
    h('div', { class: 'counts' }, h('span', { class: 'muted' }, `warnings ${counts?.warnings ?? 0}`), h('span', { class: counts !== undefined && counts.errors > 0 ? 'failure' : 'muted' }, `errors ${counts?.errors ?? 0}`)),
  );
}

/** `#/`: totals per protocol, features, providers and entryPoints. */
export async function overviewView(): Promise<HTMLElement> {
  const [overview, entryPoints, version] = await Promise.all([fetchApi<Overview>('overview'), fetchApi<EntryPoint[]>('entrypoints'), fetchApi<Version>('version')]);
  if (overview === undefined) return h('p', { class: 'failure' }, 'The API did not answer.');
  const section = (protocol: Protocol, title: string): HTMLElement[] => {
    const counts = overview[protocol] as Partial<Record<'routers' | 'services' | 'middlewares', Counts>>;
    return [
      h('h2', {}, title),
      h(
        'div',
        { class: 'cards' },
        countsCard('Routers', `/${protocol}/routers`, counts.routers),
        countsCard('Services', `/${protocol}/services`, counts.services),
        protocol === 'udp' ? undefined : countsCard('Middlewares', `/${protocol}/middlewares`, counts.middlewares),
      ),
    ];
  };
  const { features } = overview;
  return h(
    'section',
    { 'data-view': 'overview' },
    h('h1', {}, version?.dashboardName || 'Overview'),
    h('h2', {}, 'EntryPoints'),
    h('div', { class: 'cards' }, ...(entryPoints ?? []).map((entryPoint) => h('div', { class: 'card', 'data-entrypoint': entryPoint.name }, h('strong', {}, entryPoint.name), h('div', {}, h('code', {}, entryPoint.address))))),
    ...section('http', 'HTTP'),
    ...section('tcp', 'TCP'),
    ...section('udp', 'UDP'),
    h('h2', {}, 'Features'),
    h('dl', {}, h('dt', {}, 'Tracing'), h('dd', {}, features.tracing || 'off'), h('dt', {}, 'Metrics'), h('dd', {}, features.metrics || 'off'), h('dt', {}, 'Access log'), h('dd', {}, features.accessLog ? 'on' : 'off')),
    h('h2', {}, 'Providers'),
    names(overview.providers),
    version === undefined ? undefined : h('p', { class: 'muted' }, `Junction ${version.Version}, started ${new Date(version.startDate).toLocaleString()}`),
  );
}

/** `#/entrypoints`. */
export async function entryPointsView(): Promise<HTMLElement> {
  const entryPoints = (await fetchApi<EntryPoint[]>('entrypoints')) ?? [];
  const rows = entryPoints.map((entryPoint) => h('tr', { 'data-entrypoint': entryPoint.name }, h('td', {}, entryPoint.name), h('td', {}, h('code', {}, entryPoint.address))));
  return h('section', { 'data-view': 'entrypoints' }, h('h1', {}, 'EntryPoints'), table(['Name', 'Address'], rows, 'No entryPoints.'));
}

const detailHash = (protocol: Protocol, kind: string, name: string): string => `/${protocol}/${kind}/${encodeURIComponent(name)}`;

/** `#/<protocol>/routers`: every router with its status and faults. */
export async function routersView(protocol: Protocol): Promise<HTMLElement> {
  const routers = (await fetchApi<Router[]>(`${protocol}/routers?per_page=1000`)) ?? [];
  const rows = routers.map((router) =>
    h(
      'tr',
      { 'data-router': router.name, 'data-status': router.status },
      h('td', {}, badge(router.status)),
      h('td', {}, link(detailHash(protocol, 'routers', router.name), router.name), errorList(router.error)),
      h('td', {}, router.rule === undefined ? h('span', { class: 'muted' }, '—') : h('code', {}, router.rule)),
      h('td', {}, names(router.using ?? router.entryPoints)),
      h('td', {}, router.service === undefined ? '—' : h('code', {}, router.service)),
      h('td', {}, router.provider),
    ),
  );
  return h('section', { 'data-view': `${protocol}-routers` }, h('h1', {}, `${protocol.toUpperCase()} routers`), table(['Status', 'Name', 'Rule', 'EntryPoints', 'Service', 'Provider'], rows, 'No routers.'));
}

function serverCount(service: Service): number {
  return service.loadBalancer?.servers?.length ?? 0;
}

/** `#/<protocol>/services`. */
export async function servicesView(protocol: Protocol): Promise<HTMLElement> {
  const services = (await fetchApi<Service[]>(`${protocol}/services?per_page=1000`)) ?? [];
  const rows = services.map((service) =>
    h(
      'tr',
      { 'data-service': service.name, 'data-status': service.status },
      h('td', {}, badge(service.status)),
      h('td', {}, link(detailHash(protocol, 'services', service.name), service.name), errorList(service.error)),
      h('td', {}, service.type ?? '—'),
      h('td', {}, serverCount(service)),
      h('td', {}, service.provider),
    ),
  );
  return h('section', { 'data-view': `${protocol}-services` }, h('h1', {}, `${protocol.toUpperCase()} services`), table(['Status', 'Name', 'Type', 'Servers', 'Provider'], rows, 'No services.'));
}

/** `#/<protocol>/middlewares`. */
export async function middlewaresView(protocol: Protocol): Promise<HTMLElement> {
  const middlewares = (await fetchApi<Middleware[]>(`${protocol}/middlewares?per_page=1000`)) ?? [];
  const rows = middlewares.map((middleware) =>
    h(
      'tr',
      { 'data-middleware': middleware.name, 'data-status': middleware.status },
      h('td', {}, badge(middleware.status)),
      h('td', {}, link(detailHash(protocol, 'middlewares', middleware.name), middleware.name), errorList(middleware.error)),
      h('td', {}, middleware.type ?? '—'),
      h('td', {}, middleware.provider),
    ),
  );
  return h('section', { 'data-view': `${protocol}-middlewares` }, h('h1', {}, `${protocol.toUpperCase()} middlewares`), table(['Status', 'Name', 'Type', 'Provider'], rows, 'No middlewares.'));
}

/** Qualifies a reference as Traefik does: a name without `@` lives in the referrer's provider. */
function qualify(name: string, provider: string): string {
  return name.includes('@') ? name : `${name}@${provider}`;
}

function serversTable(service: Service): HTMLElement {
  const servers = service.loadBalancer?.servers ?? [];
  const rows = servers.map((server) => {
    const address = server.url ?? server.address ?? '';
    const health = service.serverStatus?.[address];
    return h('tr', { 'data-server': address }, h('td', {}, h('code', {}, address)), h('td', {}, health === undefined ? h('span', { class: 'muted' }, '—') : badge(health)));
  });
  return table(['Server', 'Health'], rows, 'No servers.');
}

function options(item: Record<string, unknown>, type: string | undefined): HTMLElement | undefined {
  if (type === undefined) return undefined;
  const key = Object.keys(item).find((candidate) => candidate.toLowerCase() === type);
  if (key === undefined) return undefined;
  return h('pre', {}, h('code', {}, JSON.stringify(item[key], null, 2)));
}

/** `#/<protocol>/routers/<name>`: rule, TLS, middlewares, service, servers and their health. */
export async function routerDetailView(protocol: Protocol, name: string): Promise<HTMLElement> {
  const router = await fetchApi<Router>(`${protocol}/routers/${encodeURIComponent(name)}`);
  if (router === undefined) return h('p', { class: 'failure' }, `Router ${name} does not exist.`);
  const middlewares = await Promise.all((router.middlewares ?? []).map(async (reference) => {
    const qualified = qualify(reference, router.provider);
    return { qualified, middleware: await fetchApi<Middleware>(`${protocol}/middlewares/${encodeURIComponent(qualified)}`) };
  }));
  const serviceName = router.service === undefined ? undefined : qualify(router.service, router.provider);
  const service = serviceName === undefined ? undefined : await fetchApi<Service>(`${protocol}/services/${encodeURIComponent(serviceName)}`);
  const tls = router.tls;
  return h(
    'section',
    { 'data-view': 'router-detail', 'data-router': router.name },
    h('h1', {}, `Router ${router.name} `, badge(router.status)),
    errorList(router.error),
    h(
      'dl',
      {},
      h('dt', {}, 'Rule'), h('dd', { 'data-field': 'rule' }, router.rule === undefined ? '—' : h('code', {}, router.rule)),
      h('dt', {}, 'EntryPoints'), h('dd', {}, names(router.using ?? router.entryPoints)),
      h('dt', {}, 'Priority'), h('dd', {}, router.priorityStr ?? '—'),
      h('dt', {}, 'Provider'), h('dd', {}, router.provider),
      h('dt', {}, 'TLS'), h('dd', { 'data-field': 'tls' }, tls === undefined ? 'no' : `yes (options ${tls.options ?? 'default'}${tls.certResolver === undefined ? '' : `, resolver ${tls.certResolver}`})`),
    ),
    h('h2', {}, 'Middlewares'),
    table(
      ['Status', 'Name', 'Type'],
      middlewares.map(({ qualified, middleware }) =>
        h('tr', { 'data-middleware': qualified }, h('td', {}, badge(middleware?.status)), h('td', {}, link(detailHash(protocol, 'middlewares', qualified), qualified), errorList(middleware?.error)), h('td', {}, middleware?.type ?? '—')),
      ),
      'No middlewares.',
    ),
    h('h2', {}, 'Service'),
    serviceName === undefined
      ? h('p', { class: 'empty' }, 'No service.')
      : h('div', { 'data-service': serviceName }, link(detailHash(protocol, 'services', serviceName), serviceName), ' ', badge(service?.status), errorList(service?.error), service === undefined ? h('p', { class: 'failure' }, 'This service does not exist.') : serversTable(service)),
  );
}

/** `#/<protocol>/services/<name>`. */
export async function serviceDetailView(protocol: Protocol, name: string): Promise<HTMLElement> {
  const service = await fetchApi<Service>(`${protocol}/services/${encodeURIComponent(name)}`);
  if (service === undefined) return h('p', { class: 'failure' }, `Service ${name} does not exist.`);
  return h(
    'section',
    { 'data-view': 'service-detail', 'data-service': service.name },
    h('h1', {}, `Service ${service.name} `, badge(service.status)),
    errorList(service.error),
    h('dl', {}, h('dt', {}, 'Type'), h('dd', {}, service.type ?? '—'), h('dt', {}, 'Provider'), h('dd', {}, service.provider), h('dt', {}, 'Used by'), h('dd', {}, names(service.usedBy))),
    h('h2', {}, 'Servers'),
    serversTable(service),
    options(service, service.type),
  );
}

/** `#/<protocol>/middlewares/<name>`. */
export async function middlewareDetailView(protocol: Protocol, name: string): Promise<HTMLElement> {
  const middleware = await fetchApi<Middleware>(`${protocol}/middlewares/${encodeURIComponent(name)}`);
  if (middleware === undefined) return h('p', { class: 'failure' }, `Middleware ${name} does not exist.`);
  return h(
    'section',
    { 'data-view': 'middleware-detail', 'data-middleware': middleware.name },
    h('h1', {}, `Middleware ${middleware.name} `, badge(middleware.status)),
    errorList(middleware.error),
    h('dl', {}, h('dt', {}, 'Type'), h('dd', {}, middleware.type ?? '—'), h('dt', {}, 'Provider'), h('dd', {}, middleware.provider), h('dt', {}, 'Used by'), h('dd', {}, names(middleware.usedBy))),
    options(middleware, middleware.type),
  );
}
