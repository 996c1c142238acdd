import { parseDurationOption } from './duration-option.js';

/** Which Secret a Kubernetes store keeps its data in, from `kubernetes://<namespace>/<name>?options`. */
export interface KubernetesSecretAddress {
  readonly namespace: string;
  readonly name: string;
  /** How often the Secret is re-read in case a watch event was missed (`?pollInterval=`, default 30s). */
  readonly pollIntervalMs: number;
}

/** RFC 1123 label: what a namespace name must be. */
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: what a Secret name must be. */
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Reads a Kubernetes store URL; throws an Error whose message says what is wrong with it. */
export function parseKubernetesSecretUrl(text: string): KubernetesSecretAddress {
  const match = /^kubernetes:\/\/([^/?#]*)\/([^/?#]*)(?:\?([^#]*))?$/i.exec(text);
  if (match === null) throw new Error('expected kubernetes://<namespace>/<secret-name>');
  const [, namespace = '', name = '', query = ''] = match;
  if (namespace.length > 63 || !dnsLabel.test(namespace)) throw new Error(`namespace "${namespace}" is not a valid namespace name`);
  // The challenge Secret's name adds "-challenges", which must fit too.
  if (name.length > 253 - '-challenges'.length || !dnsSubdomain.test(name)) throw new Error(`secret name "${name}" is not a valid Secret name`);
  const options = new URLSearchParams(query);
  for (const option of options.keys()) {
    if (option !== 'pollInterval') throw new Error(`unknown option "${option}"; expected pollInterval`);
  }
  const pollText = options.get('pollInterval') ?? '30s';
  const pollIntervalMs = parseDurationOption(pollText);
  if (pollIntervalMs === undefined || pollIntervalMs <= 0) throw new Error(`option "pollInterval": invalid duration "${pollText}"`);
  return { namespace, name, pollIntervalMs };
}
