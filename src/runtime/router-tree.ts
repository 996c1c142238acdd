import type { HttpRouterConfig } from '../config/dynamic/http-schema.js';
import { ConfigError, configPath, joinPath, quote } from '../config/errors.js';
import { qualify, type MergedItem } from './merged-config.js';

/** A fault of one router in the tree; a critical one leaves the router out, a warning keeps it. */
export interface RouterTreeFault {
  readonly router: string;
  readonly error: ConfigError;
  readonly critical: boolean;
}

/**
 * HTTP routers arranged for multi-layer routing: roots (no `parentRefs`) serve on entryPoints; a router others
 * name in `parentRefs` hands the request, after its own middlewares, to the first of its children that matches.
 */
export interface RouterTree {
  /** Qualified names of the routers whose `parentRefs` name each parent, sorted; cyclic links removed. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly faults: readonly RouterTreeFault[];
  /** Routers a critical fault leaves out. */
  readonly disabled: ReadonlySet<string>;
}

type Routers = ReadonlyMap<string, MergedItem<HttpRouterConfig>>;

/** A router with `parentRefs` is built into its parents' child tables, never on an entryPoint. */
export function isChildRouter(config: HttpRouterConfig): boolean {
  return config.parentRefs !== undefined && config.parentRefs.length > 0;
}

/**
 * Links children to parents and checks the tree as Traefik does: a parent must exist; a child has no
 * entryPoints, tls or observability of its own; every router must be reachable from a root; a router needs a
 * service or children, not both. A cycle is cut at the router that closes it, which keeps a warning.
 */
export function parseRouterTree(routers: Routers): RouterTree {
  const children = new Map<string, string[]>();
  const faults: RouterTreeFault[] = [];
  const fault = (router: string, field: string, reason: string, critical = true): void => {
    const item = routers.get(router)!;
    faults.push({ router, error: new ConfigError(joinPath(configPath('http', 'routers', item.name), field), reason), critical });
  };

  const roots: string[] = [];
  for (const [name, { provider, config }] of routers) {
    if (!isChildRouter(config)) {
      roots.push(name);
      continue;
    }
    for (const reference of config.parentRefs!) {
      const parent = qualify(reference, provider);
      if (!routers.has(parent)) {
        fault(name, 'parentRefs', `parent router ${quote(parent)} does not exist`);
        continue;
      }
      const siblings = children.get(parent) ?? [];
      if (!siblings.includes(name)) siblings.push(name);
      children.set(parent, siblings);
    }
    if (config.tls !== undefined) fault(name, 'tls', 'non-root router cannot have TLS configuration');
    else if (config.observability !== undefined) fault(name, 'observability', 'non-root router cannot have Observability configuration');
    else if (config.entryPoints !== undefined && config.entryPoints.length > 0) fault(name, 'entryPoints', 'non-root router cannot have Entrypoints configuration');
  }
  for (const siblings of children.values()) siblings.sort();

  const visited = new Set<string>();
  const onPath: string[] = [];
  const visit = (name: string): void => {
    const cycleStart = onPath.indexOf(name);
    if (cycleStart !== -1) {
      // The router that closes the cycle loses that child and keeps a warning.
      const guilty = onPath[onPath.length - 1]!;
      fault(guilty, 'parentRefs', `cyclic reference detected in router tree: ${[...onPath.slice(cycleStart), name].join(' -> ')}`, false);
      const siblings = children.get(guilty)!;
      siblings.splice(siblings.indexOf(name), 1);
      return;
    }
    if (visited.has(name)) return;
    visited.add(name);
    onPath.push(name);
    for (const child of [...(children.get(name) ?? [])]) visit(child);
    onPath.pop();
  };
  for (const root of roots.sort()) visit(root);

  for (const [name, { config }] of routers) {
    const hasChildren = (children.get(name) ?? []).length > 0;
    if (!visited.has(name)) fault(name, '', 'router is not reachable');
    else if (config.service === undefined && !hasChildren) fault(name, '', 'router has no service and no child routers');
    else if (config.service !== undefined && hasChildren) fault(name, '', 'router has both a service and is referenced as a parent by other routers');
  }
  return { children, faults, disabled: new Set(faults.filter((entry) => entry.critical).map((entry) => entry.router)) };
}
