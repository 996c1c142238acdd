import { list, map, number, object, required, string, type Infer } from '../../../config/schema.js';
import { checkHeaderName } from '../headers/header-fields.js';
import { checkStatusRanges } from './status-ranges.js';

/** Options of the `errors` middleware, spelled as Traefik spells them. */
export const errorsSchema = object({
  status: list(string(checkStatusRanges)),
  // Node, like Go, cannot send a status outside 100-999.
  statusRewrites: map(number({ integer: true, min: 100, max: 999 }), { checkKey: checkStatusRanges }),
  service: required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined))),
  query: string(),
  errorRequestHeaders: list(string(checkHeaderName)),
});

export type ErrorsConfig = Infer<typeof errorsSchema>;
