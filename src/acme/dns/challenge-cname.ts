import { Resolver } from 'node:dns/promises';
import { toFqdn, unFqdn } from './challenge-record.js';

/** lego stops following a chain of CNAMEs after this many. */
const maxCnameHops = 50;

/**
 * The name the TXT record must be published at: `_acme-challenge.<domain>.`, or where its CNAME chain ends,
 * as lego does so that the challenge can be delegated to another zone (`_acme-challenge.example.com CNAME
 * example.com.acme.example.net`). The CNAMEs are asked of `resolvers` (`host:port`, the resolver's
 * `dnsChallenge.resolvers`; the system's when empty). `LEGO_DISABLE_CNAME_SUPPORT=true` turns this off.
 */
export async function effectiveChallengeFqdn(fqdn: string, resolvers: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  if (isTrue(env.LEGO_DISABLE_CNAME_SUPPORT)) return fqdn;
  const resolver = new Resolver({ timeout: 5000, tries: 2 });
  if (resolvers.length > 0) resolver.setServers([...resolvers]);
  let current = toFqdn(fqdn);
  for (let hop = 0; hop < maxCnameHops; hop++) {
    let targets: string[];
    try {
      targets = await resolver.resolveCname(unFqdn(current));
    } catch {
      // No CNAME (or no answer): the chain ends here, as in lego.
      break;
    }
    const target = targets[0];
    if (target === undefined) break;
    const next = toFqdn(target);
    if (next.toLowerCase() === current.toLowerCase()) break;
    current = next;
  }
  return current;
}

/** Go's strconv.ParseBool truths. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}
