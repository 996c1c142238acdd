import { boolean, object, type Infer } from '../../../config/schema.js';

/** Options of the `contentType` middleware: its presence enables sniffing; `autoDetect` is deprecated. */
export const contentTypeSchema = object({
  autoDetect: boolean(),
});

export type ContentTypeConfig = Infer<typeof contentTypeSchema>;
