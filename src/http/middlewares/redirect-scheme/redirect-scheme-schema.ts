import { boolean, object, required, string, type Infer } from '../../../config/schema.js';

/** `redirectScheme`: the scheme and port to redirect to, and the kind of redirect. */
export const redirectSchemeSchema = object({
  scheme: required(string((value) => (value === '' ? 'must not be empty' : undefined))),
  // Not checked, as in Traefik: a port that does not make a valid URL answers 502 Bad Gateway.
  port: string(),
  permanent: boolean(),
});

export type RedirectSchemeConfig = Infer<typeof redirectSchemeSchema>;
