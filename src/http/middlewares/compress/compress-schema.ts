import { list, number, object, string, withDefault, type Infer } from '../../../config/schema.js';

/** `http.middlewares.<name>.compress`, with Traefik's default encodings. */
export const compressSchema = object({
  excludedContentTypes: list(string()),
  includedContentTypes: list(string()),
  minResponseBodyBytes: number({ integer: true }),
  encodings: withDefault(list(string()), ['gzip', 'br', 'zstd']),
  defaultEncoding: string(),
});

export type CompressConfig = Infer<typeof compressSchema>;
