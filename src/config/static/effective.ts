import { ConfigError, configPath, nearestName, quote } from '../errors.js';
import { decode } from '../schema.js';
import { isSameListener, parseEntryPointAddress, type EntryPointAddress } from './entry-point-address.js';
import { validateCertificatesResolvers } from './certificates-resolvers.js';
import { entryPointSchema, internalEntryPointName, type EntryPointConfig, type StaticConfig } from './static-config.js';

/** Returns an entryPoint on an address with every other option at its default. */
export function defaultEntryPoint(address: string): EntryPointConfig {
  const { value } = decode(entryPointSchema, { address });
  if (value === undefined) throw new Error(`invalid built-in entryPoint address ${address}`);
  return value;
}

function findKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entry = Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase());
  return entry?.[1];
}

function isEnabledSection(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * Tells whether something serves on the internal entryPoint, as Traefik's `SetEffectiveConfiguration` asks:
 * the insecure API, ping or Prometheus metrics on entryPoint `traefik` without manual routing, or the insecure
 * REST provider. Metrics and the REST provider are not modelled yet, so their raw values are read.
 */
function needsInternalEntryPoint(config: StaticConfig): boolean {
  if (config.api?.insecure === true) return true;
  if (config.ping !== undefined && !config.ping.manualRouting && config.ping.entryPoint === internalEntryPointName) return true;
  const prometheus = findKey(config.metrics, 'prometheus');
  if (isEnabledSection(prometheus)) {
    const entryPoint = findKey(prometheus, 'entryPoint');
    const isDefaultEntryPoint = entryPoint === undefined || entryPoint === internalEntryPointName;
    if (isDefaultEntryPoint && !isTrue(findKey(prometheus, 'manualRouting'))) return true;
  }
  return isTrue(findKey(config.providers.rest, 'insecure'));
}

/**
 * Adds what Traefik derives from the configuration: the entryPoint `http` on :80 when none is defined, the
 * entryPoint `traefik` on :8080 when something serves on it and it is not defined, and provider names in
 * `providers.precedence` in lowercase.
 */
export function applyImplicitConfiguration(config: StaticConfig): StaticConfig {
  const entryPoints: Record<string, EntryPointConfig> = { ...config.entryPoints };
  if (Object.keys(entryPoints).length === 0) entryPoints.http = defaultEntryPoint(':80');
  if (needsInternalEntryPoint(config) && entryPoints[internalEntryPointName] === undefined) {
    entryPoints[internalEntryPointName] = defaultEntryPoint(':8080');
  }
  const precedence = config.providers.precedence.map((name) => name.toLowerCase());
  return { ...config, entryPoints, providers: { ...config.providers, precedence } };
}

/** Checks what spans several keys; returns the faults with their paths and the warnings. */
export function validateStaticConfig(config: StaticConfig): { errors: ConfigError[]; warnings: string[] } {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const names = Object.keys(config.entryPoints);
  const checkEntryPointName = (path: string, name: string): void => {
    if (names.includes(name)) return;
    const hint = nearestName(name, names);
    errors.push(new ConfigError(path, `entryPoint ${quote(name)} does not exist${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`));
  };

  const listeners: Array<{ name: string; address: EntryPointAddress; reusePort: boolean }> = [];
  for (const [name, entryPoint] of Object.entries(config.entryPoints)) {
    const addressPath = configPath('entryPoints', name, 'address');
    const address = parseEntryPointAddress(entryPoint.address, addressPath);
    const taken = listeners.find((other) => isSameListener(other.address, address) && !(other.reusePort && entryPoint.reusePort));
    if (taken !== undefined) {
      errors.push(new ConfigError(addressPath, `${quote(entryPoint.address)} is already used by entryPoint ${quote(taken.name)}; set reusePort on both to share it`));
    }
    listeners.push({ name, address, reusePort: entryPoint.reusePort });

    const to = entryPoint.http.redirections?.entryPoint?.to;
    if (to !== undefined) {
      const toPath = configPath('entryPoints', name, 'http', 'redirections', 'entryPoint', 'to');
      // As Traefik: ":port" redirects to that port, anything else names an entryPoint.
      const port = /^:(\d+)$/.exec(to)?.[1];
      if (port !== undefined) {
        if (Number(port) < 1 || Number(port) > 65535) errors.push(new ConfigError(toPath, `port ${quote(port)} is out of range 1-65535`));
      } else {
        checkEntryPointName(toPath, to);
      }
    }
  }

  if (config.ping !== undefined && !config.ping.manualRouting) checkEntryPointName('ping.entryPoint', config.ping.entryPoint);

  const file = config.providers.file;
  if (file !== undefined) {
    const hasFilename = file.filename !== undefined && file.filename !== '';
    const hasDirectory = file.directory !== undefined && file.directory !== '';
    if (!hasFilename && !hasDirectory) errors.push(new ConfigError('providers.file', 'one of filename or directory is required'));
    if (hasFilename && hasDirectory) errors.push(new ConfigError('providers.file', 'filename and directory are mutually exclusive; set only one'));
  }

  if (config.providers.kubernetesMesh?.acl === true) {
    errors.push(new ConfigError('providers.kubernetesMesh.acl', 'ACL mode (SMI TrafficTargets) is not supported yet'));
  }

  const resolvers = validateCertificatesResolvers(config.certificatesResolvers, names);
  errors.push(...resolvers.errors);
  warnings.push(...resolvers.warnings);

  if (config.core.defaultRuleSyntax === 'v2') warnings.push('core.defaultRuleSyntax: the v2 rule syntax is deprecated; use v3');
  for (const name of Object.keys(config.experimental?.plugins ?? {})) {
    warnings.push(`${configPath('experimental', 'plugins', name)}: downloading plugins from the catalog is not supported; put the plugin in ./plugins-local/ and declare it in experimental.localPlugins`);
  }
  return { errors, warnings };
}
