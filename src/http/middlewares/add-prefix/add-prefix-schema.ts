import { object, required, string, type Infer } from '../../../config/schema.js';

/** `addPrefix`: a prefix put before the path. */
export const addPrefixSchema = object({
  // Traefik refuses only an empty prefix; one without a leading slash gets it when added.
  prefix: required(string((value) => (value === '' ? 'must not be empty' : undefined))),
});

export type AddPrefixConfig = Infer<typeof addPrefixSchema>;
