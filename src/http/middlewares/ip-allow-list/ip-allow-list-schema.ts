import { list, number, object, required, string, type Infer } from '../../../config/schema.js';
import { ipStrategySchema } from '../source-criterion/ip-strategy.js';

/** `ipAllowList`: lets through the clients whose IP (chosen by `ipStrategy`) is in `sourceRange`. */
export const ipAllowListSchema = object({
  sourceRange: required(list(string())),
  ipStrategy: ipStrategySchema,
  rejectStatusCode: number({ integer: true }),
});

/** `ipWhiteList`, deprecated in Traefik v3 for ipAllowList: the same without `rejectStatusCode`. */
export const ipWhiteListSchema = object({
  sourceRange: required(list(string())),
  ipStrategy: ipStrategySchema,
});

export type IpAllowListConfig = Infer<typeof ipAllowListSchema>;
export type IpWhiteListConfig = Infer<typeof ipWhiteListSchema>;
