import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { unFqdn } from '../challenge-record.js';
import { defaultPollingIntervalMs, defaultPropagationTimeoutMs, type DnsProvider } from '../dns-provider.js';
import { ProviderEnv } from '../provider-env.js';
import { sendProviderRequest } from '../provider-http.js';
import { EcsRamRoleAccessKey, staticAccessKey, type AccessKeySource } from './alidns-credentials.js';
import { percentEncode, rpcSignature } from './rpc-signature.js';

/** The region lego uses when ALICLOUD_REGION_ID is unset. */
const defaultRegionId = 'cn-hangzhou';
/** Where ECS instances read their RAM role's credentials. */
const defaultMetadataEndpoint = 'http://100.100.100.200';
const apiVersion = '2015-01-09';

export interface AlidnsConfig {
  readonly credentials:
    | { readonly kind: 'accessKey'; readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string | undefined }
    | { readonly kind: 'ramRole'; readonly roleName: string; readonly metadataEndpoint: URL };
  /** The Alibaba Cloud DNS API: `https://alidns.aliyuncs.com/`, or the region's endpoint. */
  readonly endpoint: URL;
  /** The resolution line of the record (`default` when unset). */
  readonly line?: string | undefined;
  readonly ttlSeconds: number;
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly httpTimeoutMs: number;
}

/**
 * Reads lego's `ALICLOUD_*` variables. `ALICLOUD_DNS_ENDPOINT` and `ALICLOUD_METADATA_ENDPOINT` are Junction's own
 * (not lego's): they point the provider at another API or metadata service, as tests and private clouds need.
 */
export function alidnsConfigFromEnv(env: NodeJS.ProcessEnv): AlidnsConfig {
  const vars = new ProviderEnv('alicloud', env);
  const regionId = vars.optional('ALICLOUD_REGION_ID') ?? defaultRegionId;
  const httpTimeoutMs = vars.secondsAsMs('ALICLOUD_HTTP_TIMEOUT', 10_000);
  const ramRole = vars.optional('ALICLOUD_RAM_ROLE');
  let credentials: AlidnsConfig['credentials'];
  if (ramRole !== undefined) {
    credentials = { kind: 'ramRole', roleName: ramRole, metadataEndpoint: urlFrom(vars, 'ALICLOUD_METADATA_ENDPOINT', defaultMetadataEndpoint) };
  } else {
    const keys = vars.required('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY');
    credentials = {
      kind: 'accessKey',
      accessKeyId: keys.ALICLOUD_ACCESS_KEY,
      accessKeySecret: keys.ALICLOUD_SECRET_KEY,
      securityToken: vars.optional('ALICLOUD_SECURITY_TOKEN'),
    };
  }
  // The SDK lego uses sends cn-hangzhou to the central endpoint and every other region to its own.
  const regionalHost = regionId === defaultRegionId ? 'alidns.aliyuncs.com' : `alidns.${regionId}.aliyuncs.com`;
  return {
    credentials,
    endpoint: urlFrom(vars, 'ALICLOUD_DNS_ENDPOINT', `https://${regionalHost}/`),
    line: vars.optional('ALICLOUD_LINE'),
    ttlSeconds: vars.integer('ALICLOUD_TTL', 600),
    propagationTimeoutMs: vars.secondsAsMs('ALICLOUD_PROPAGATION_TIMEOUT', defaultPropagationTimeoutMs),
    pollingIntervalMs: vars.secondsAsMs('ALICLOUD_POLLING_INTERVAL', defaultPollingIntervalMs),
    httpTimeoutMs,
  };
}

function urlFrom(vars: ProviderEnv, name: string, defaultValue: string): URL {
  const text = vars.optional(name) ?? defaultValue;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw vars.error(`${name}: invalid URL "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw vars.error(`${name}: expected an http or https URL, got "${text}"`);
  return url;
}

/** A domain (zone) of the account, as DescribeDomains lists it. */
interface HostedZone {
  /** The name API calls use (Unicode for an internationalised domain). */
  readonly domainName: string;
  /** Its ASCII form, the one the record names are cut from. */
  readonly asciiName: string;
}

/**
 * Publishes the challenge with Alibaba Cloud DNS's RPC API, as lego's `alidns` provider: the zone is the
 * longest domain of the account (DescribeDomains) holding the name, the record is added with AddDomainRecord
 * and found again with DescribeDomainRecords to be deleted with DeleteDomainRecord.
 */
export class AlidnsProvider implements DnsProvider {
  readonly name = 'alidns';
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly #config: AlidnsConfig;
  readonly #keys: AccessKeySource;

  constructor(config: AlidnsConfig) {
    this.#config = config;
    this.propagationTimeoutMs = config.propagationTimeoutMs;
    this.pollingIntervalMs = config.pollingIntervalMs;
    const credentials = config.credentials;
    this.#keys = credentials.kind === 'ramRole'
      ? new EcsRamRoleAccessKey(credentials.roleName, credentials.metadataEndpoint, config.httpTimeoutMs)
      : staticAccessKey(credentials);
  }

  async present(_domain: string, fqdn: string, value: string): Promise<void> {
    try {
      const zone = await this.#hostedZone(fqdn);
      const parameters: Record<string, string> = {
        DomainName: zone.domainName,
        RR: recordName(fqdn, zone),
        Type: 'TXT',
        Value: value,
        TTL: String(this.#config.ttlSeconds),
      };
      if (this.#config.line !== undefined) parameters.Line = this.#config.line;
      await this.#call('AddDomainRecord', parameters);
    } catch (error) {
      throw new Error(`alicloud: ${(error as Error).message}`);
    }
  }

  /**
   * Deletes the TXT records at the name that hold this value. Differs from lego, which deletes every TXT record
   * at the name: with a wildcard and its base name in one order, both challenges share the name and one must
   * not remove the other's record while it is still being validated.
   */
  async cleanup(_domain: string, fqdn: string, value: string): Promise<void> {
    try {
      const zone = await this.#hostedZone(fqdn);
      const name = recordName(fqdn, zone);
      const answer = await this.#call('DescribeDomainRecords', { DomainName: zone.domainName, PageSize: '500' });
      const records = readRecords(answer);
      for (const record of records) {
        if (record.RR === name && record.Type === 'TXT' && record.Value === value) {
          await this.#call('DeleteDomainRecord', { RecordId: record.RecordId });
        }
      }
    } catch (error) {
      throw new Error(`alicloud: ${(error as Error).message}`);
    }
  }

  /** Lists the account's domains page by page and takes the longest that holds `fqdn`. */
  async #hostedZone(fqdn: string): Promise<HostedZone> {
    const name = unFqdn(fqdn).toLowerCase();
    const zones: HostedZone[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.#call('DescribeDomains', { PageNumber: String(page), PageSize: '100' });
      const { domains, pageNumber, pageSize, totalCount } = readDomains(answer);
      zones.push(...domains);
      if (domains.length === 0 || pageNumber * pageSize >= totalCount) break;
    }
    let best: HostedZone | undefined;
    for (const zone of zones) {
      const ascii = zone.asciiName.toLowerCase();
      if ((name === ascii || name.endsWith(`.${ascii}`)) && (best === undefined || ascii.length > best.asciiName.length)) best = zone;
    }
    if (best === undefined) throw new Error(`zone for ${fqdn} not found in AliDNS`);
    return best;
  }

  /** One signed RPC call: common parameters and signature in the query, the action's parameters in a form body. */
  async #call(action: string, parameters: Readonly<Record<string, string>>): Promise<unknown> {
    const key = await this.#keys.current();
    const common: Record<string, string> = {
      Action: action,
      Format: 'JSON',
      Version: apiVersion,
      AccessKeyId: key.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    if (key.securityToken !== undefined) common.SecurityToken = key.securityToken;
    common.Signature = rpcSignature('POST', { ...common, ...parameters }, key.accessKeySecret);
    const url = new URL(this.#config.endpoint.href);
    url.search = Object.entries(common).map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    const response = await sendProviderRequest({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: Object.entries(parameters).map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&'),
      timeoutMs: this.#config.httpTimeoutMs,
    }, false);
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    if (response.status < 200 || response.status > 299) {
      const { Code: code, Message: message } = (body ?? {}) as { Code?: unknown; Message?: unknown };
      const reason = typeof code === 'string' ? `${code}: ${String(message)}` : `status ${response.status}: ${response.body.slice(0, 512)}`;
      throw new Error(`API call ${action} failed: ${reason}`);
    }
    if (body === undefined) throw new Error(`API call ${action} failed: the answer is not JSON`);
    return body;
  }
}

/** The record's name relative to the zone (`_acme-challenge.www` in `example.com`), as AliDNS's `RR` wants it. */
function recordName(fqdn: string, zone: HostedZone): string {
  const name = unFqdn(fqdn);
  const zoneName = zone.asciiName;
  if (name.toLowerCase() === zoneName.toLowerCase()) return '@';
  return name.slice(0, name.length - zoneName.length - 1);
}

interface DomainRecord {
  readonly RR: string;
  readonly Type: string;
  readonly Value: string;
  readonly RecordId: string;
}

function readRecords(answer: unknown): DomainRecord[] {
  const records = (answer as { DomainRecords?: { Record?: unknown } } | undefined)?.DomainRecords?.Record;
  if (!Array.isArray(records)) throw new Error('DescribeDomainRecords answered without DomainRecords.Record');
  return records.filter((record): record is DomainRecord =>
    typeof record === 'object' && record !== null
    && typeof (record as DomainRecord).RR === 'string' && typeof (record as DomainRecord).Type === 'string'
    && typeof (record as DomainRecord).Value === 'string' && typeof (record as DomainRecord).RecordId === 'string');
}

function readDomains(answer: unknown): { domains: HostedZone[]; pageNumber: number; pageSize: number; totalCount: number } {
  const body = answer as { Domains?: { Domain?: unknown }; PageNumber?: unknown; PageSize?: unknown; TotalCount?: unknown } | undefined;
  const list = body?.Domains?.Domain;
  if (!Array.isArray(list)) throw new Error('DescribeDomains answered without Domains.Domain');
  const domains: HostedZone[] = [];
  for (const entry of list as { DomainName?: unknown; PunyCode?: unknown }[]) {
    if (typeof entry?.DomainName !== 'string') continue;
    const ascii = typeof entry.PunyCode === 'string' && entry.PunyCode !== '' ? entry.PunyCode : domainToASCII(entry.DomainName) || entry.DomainName;
    domains.push({ domainName: entry.DomainName, asciiName: ascii });
  }
  const number = (value: unknown): number => (typeof value === 'number' ? value : 0);
  return { domains, pageNumber: number(body?.PageNumber), pageSize: number(body?.PageSize), totalCount: number(body?.TotalCount) };
}
