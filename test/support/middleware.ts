import type { TestContext } from 'node:test';
import { startJunction, type JunctionProcess } from './junction.js';
import { startUpstream, type Upstream } from './upstream.js';

/**
 * Starts an upstream and a Junction whose router `app` (rule `PathPrefix(/)`, or the given one) sends
 * everything through the named middlewares to that upstream.
 */
export async function withMiddlewares(
  t: TestContext,
  middlewares: string,
  names: readonly string[],
  options: { rule?: string; upstream?: Upstream } = {},
): Promise<{ junction: JunctionProcess; upstream: Upstream }> {
  const upstream = options.upstream ?? (await startUpstream(t));
  const junction = await startJunction(t, {
    dynamic: `
http:
  routers:
    app:
      rule: ${JSON.stringify(options.rule ?? 'PathPrefix(`/`)')}
      middlewares: [${names.join(', ')}]
      service: app
  middlewares:
${middlewares.replace(/^/gm, '    ')}
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`,
  });
  return { junction, upstream };
}
