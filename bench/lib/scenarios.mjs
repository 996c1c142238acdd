// What is measured. A scenario runs each of its subjects (a proxy in one of its modes) at each of its
// connection counts. To add Junction to a scenario it is not in, list it here.

const everyHttpProxy = ['nginx', 'haproxy', 'caddy', 'node-http-proxy', 'fastify-http-proxy', 'junction', 'junction-1w'];

export const scenarios = [
  {
    id: 'http',
    title: '1. HTTP keep-alive',
    connections: [50, 200],
    subjects: everyHttpProxy.map((proxy) => ({ proxy, mode: 'http' })),
  },
  {
    id: 'https',
    title: '2. HTTPS termination (keep-alive)',
    connections: [50],
    subjects: ['nginx', 'haproxy', 'caddy', 'node-http-proxy', 'fastify-http-proxy', 'junction'].map((proxy) => ({ proxy, mode: 'https' })),
  },
  {
    id: 'tcp',
    title: '3. TCP pass-through',
    connections: [50],
    subjects: ['haproxy', 'nginx', 'node-net-pipe', 'junction'].map((proxy) => ({ proxy, mode: 'tcp' })),
  },
  {
    id: 'routes',
    title: '4. Junction route table: 10 000 Host routers vs 1',
    connections: [50],
    subjects: [
      { proxy: 'junction', mode: 'routes-1', variant: '1 Host router' },
      { proxy: 'junction', mode: 'routes-10k', variant: '10 000 Host routers' },
    ],
  },
  {
    id: 'realistic',
    title: '5. Junction realistic table (headline): 100 routers, forwarded headers',
    connections: [50, 200],
    subjects: [{ proxy: 'junction', mode: 'realistic', variant: '100 routers' }],
  },
  {
    id: 'middlewares',
    title: '6. Junction middleware chain (headers, stripPrefix, rateLimit, ipAllowList, compress)',
    connections: [50],
    subjects: [{ proxy: 'junction', mode: 'middlewares', variant: 'middleware chain' }],
  },
];

/** The protocol wrk speaks to a mode. */
export const protocolOf = (mode) => (mode === 'https' ? 'https' : 'http');
