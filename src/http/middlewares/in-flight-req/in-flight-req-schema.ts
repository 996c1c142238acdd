import { number, object, type Infer } from '../../../config/schema.js';
import { sourceCriterionSchema } from '../source-criterion/source-criterion.js';

/** `inFlightReq`: at most `amount` requests under way per source (the request host unless told otherwise). */
export const inFlightReqSchema = object({
  amount: number({ integer: true }),
  sourceCriterion: sourceCriterionSchema,
});

export type InFlightReqConfig = Infer<typeof inFlightReqSchema>;
