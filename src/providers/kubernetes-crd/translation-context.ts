import type { KubernetesObject } from '@kubernetes/client-node';
import { ConfigError } from '../../config/errors.js';
import type { ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';
import type { DroppedRouter } from '../provider.js';
import type { CrdTranslationOptions } from './options.js';
import { describeObject } from './resources.js';

type Items = Record<string, unknown>;

/** The dynamic configuration being generated, section by section, as the file provider would read it. */
export interface GeneratedConfig {
  readonly http: { routers: Items; services: Items; middlewares: Items; serversTransports: Items };
  readonly tcp: { routers: Items; services: Items; middlewares: Items; serversTransports: Items };
  readonly udp: { routers: Items; services: Items };
  readonly tls: { certificates: Items[]; options: Items; stores: Items };
}

/** What every part of a translation shares: the cluster, the options, the output and the faults found. */
export class TranslationContext {
  readonly config: GeneratedConfig = {
    http: { routers: {}, services: {}, middlewares: {}, serversTransports: {} },
    tcp: { routers: {}, services: {}, middlewares: {}, serversTransports: {} },
    udp: { routers: {}, services: {} },
    tls: { certificates: [], options: {}, stores: {} },
  };
  readonly errors: ConfigError[] = [];
  /** Routers left out for a fault of the object that would have generated them. */
  readonly rejectedRouters: DroppedRouter[] = [];
  /** TLS certificates by `<namespace>/<secret>`, each read once whatever refers to it. */
  readonly certificates = new Map<string, Items>();

  constructor(readonly snapshot: ClusterSnapshot, readonly options: CrdTranslationOptions) {}

  /**
   * Records a fault of an object: `IngressRoute default/whoami: spec.routes[0]: <reason>`; with the router the
   * fault leaves out, when its name is known, so the API lists that router as disabled with this fault.
   */
  fault(object: KubernetesObject, field: string, reason: string, router?: Omit<DroppedRouter, 'errors'>): void {
    const error = new ConfigError(describeObject(object), field === '' ? reason : `${field}: ${reason}`);
    this.errors.push(error);
    if (router !== undefined) this.rejectedRouters.push({ ...router, errors: [error.message] });
  }

  /** The configuration with its empty sections left out. */
  result(): Record<string, unknown> {
    const certificates = [...this.certificates.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, certificate]) => certificate);
    const sections: Record<string, Record<string, unknown>> = {
      http: this.config.http,
      tcp: this.config.tcp,
      udp: this.config.udp,
      tls: { ...this.config.tls, certificates },
    };
    const result: Record<string, unknown> = {};
    for (const [name, section] of Object.entries(sections)) {
      const kept = Object.fromEntries(Object.entries(section).filter(([, value]) => (Array.isArray(value) ? value.length > 0 : Object.keys(value as object).length > 0)));
      if (Object.keys(kept).length > 0) result[name] = kept;
    }
    return result;
  }
}

/** A step that either gives a value or says why it cannot (the field it is about, and the reason). */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly field: string; readonly reason: string };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = (field: string, reason: string): Outcome<never> => ({ ok: false, field, reason });

/** Removes undefined values, so generated items carry only what was written (and defaults Traefik fills in). */
export function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
