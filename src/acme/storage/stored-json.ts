import type { AcmeDomain } from './acme-store.js';

/** The name of a domain set regardless of order: the same key for `{a, [b]}` and `{b, [a]}`. */
export function domainSetKey(domain: AcmeDomain): string {
  return [...new Set([domain.main, ...domain.sans].map((name) => name.toLowerCase()))].sort().join(',');
}

/** Parses JSON text a shared store holds; `where` names it (`redis key junction:acme:…`) when it is not JSON. */
export function parseStoredJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
}
