import type { ConfigError } from '../errors.js';
import { anything, decode, object, type Infer } from '../schema.js';
import { httpSchema } from './http-schema.js';
import { tcpSchema } from './tcp-schema.js';
import { tlsSchema } from './tls-schema.js';
import { udpSchema } from './udp-schema.js';

/** The dynamic configuration as one provider writes it: `http`, `tcp`, `udp`, `tls`. */
export const dynamicConfigSchema = object({
  http: httpSchema,
  tcp: tcpSchema,
  udp: udpSchema,
  tls: tlsSchema,
}, { keepValidFields: true });

export type DynamicConfig = Infer<typeof dynamicConfigSchema>;

/**
 * Decodes one provider's plain configuration. Broken items are left out and reported; the rest is kept,
 * so one bad router never hides the others.
 */
export function decodeDynamicConfig(raw: unknown): { config: DynamicConfig; errors: ConfigError[] } {
  const { value, errors } = decode(dynamicConfigSchema, raw ?? {});
  return { config: value ?? {}, errors };
}
