import { sendProviderRequest } from '../provider-http.js';

/** The keys one API call is signed with. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Set for temporary (STS) credentials: sent as the `SecurityToken` parameter. */
  readonly securityToken?: string | undefined;
}

/** Gives the keys for the next call; a RAM role's are fetched and renewed before they expire. */
export interface AccessKeySource {
  current(): Promise<AccessKey>;
}

/** Fixed keys from the environment. */
export function staticAccessKey(key: AccessKey): AccessKeySource {
  const resolved = Promise.resolve(key);
  return { current: () => resolved };
}

/** Credentials are renewed this long before the metadata service says they expire. */
const renewalMarginMs = 5 * 60_000;

/**
 * The temporary keys of the RAM role attached to this ECS instance, from the instance metadata service
 * (`/latest/meta-data/ram/security-credentials/<role>`), asking first for an IMDSv2 session token and going on
 * without one when the service does not issue them, as Alibaba's credentials library does by default.
 */
export class EcsRamRoleAccessKey implements AccessKeySource {
  readonly #roleName: string;
  readonly #metadataEndpoint: URL;
  readonly #timeoutMs: number;
  #cached: { readonly key: AccessKey; readonly renewAt: number } | undefined;

  constructor(roleName: string, metadataEndpoint: URL, timeoutMs: number) {
    this.#roleName = roleName;
    this.#metadataEndpoint = metadataEndpoint;
    this.#timeoutMs = timeoutMs;
  }

  async current(): Promise<AccessKey> {
    if (this.#cached !== undefined && Date.now() < this.#cached.renewAt) return this.#cached.key;
    const headers: Record<string, string> = {};
    const token = await this.#sessionToken();
    if (token !== undefined) headers['x-aliyun-ecs-metadata-token'] = token;
    const url = new URL(`/latest/meta-data/ram/security-credentials/${encodeURIComponent(this.#roleName)}`, this.#metadataEndpoint);
    const response = await sendProviderRequest({ method: 'GET', url, headers, timeoutMs: this.#timeoutMs });
    let body: { Code?: unknown; AccessKeyId?: unknown; AccessKeySecret?: unknown; SecurityToken?: unknown; Expiration?: unknown };
    try {
      body = JSON.parse(response.body) as typeof body;
    } catch {
      throw new Error(`RAM role ${this.#roleName}: the metadata service answered something that is not JSON`);
    }
    if (body.Code !== 'Success' || typeof body.AccessKeyId !== 'string' || typeof body.AccessKeySecret !== 'string' || typeof body.SecurityToken !== 'string') {
      throw new Error(`RAM role ${this.#roleName}: the metadata service gave no credentials (Code ${JSON.stringify(body.Code)})`);
    }
    const key: AccessKey = { accessKeyId: body.AccessKeyId, accessKeySecret: body.AccessKeySecret, securityToken: body.SecurityToken };
    const expiresAt = typeof body.Expiration === 'string' ? Date.parse(body.Expiration) : Number.NaN;
    this.#cached = { key, renewAt: Number.isNaN(expiresAt) ? 0 : expiresAt - renewalMarginMs };
    return key;
  }

  async #sessionToken(): Promise<string | undefined> {
    try {
      const response = await sendProviderRequest({
        method: 'PUT',
        url: new URL('/latest/api/token', this.#metadataEndpoint),
        headers: { 'x-aliyun-ecs-metadata-token-ttl-seconds': '21600' },
        timeoutMs: this.#timeoutMs,
      });
      return response.body.trim() || undefined;
    } catch {
      return undefined;
    }
  }
}
