import { list, object, string, withDefault, type Infer } from '../../../config/schema.js';

/** Options of the `grpcWeb` middleware: the origins whose browsers may call (`*` for any). */
export const grpcWebSchema = object({
  allowOrigins: withDefault(list(string()), []),
});

export type GrpcWebConfig = Infer<typeof grpcWebSchema>;
