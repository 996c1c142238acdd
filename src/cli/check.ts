import { ConfigError, formatConfigErrors } from '../config/errors.js';
import { loadPluginCatalog } from '../http/middlewares/plugin/plugin-catalog.js';
import type { StaticConfig } from '../config/static/static-config.js';
import { runtimeSettings } from '../process/runtime-settings-from-static.js';
import { silentLogger } from '../observability/logger.js';
import { mergeSnapshots, decodeSnapshot } from '../providers/aggregator.js';
import { readFileProviderSnapshot } from '../providers/file/file-provider.js';
import { internalSnapshot } from '../providers/internal/internal-provider.js';
import { buildRuntime } from '../runtime/build-runtime.js';
import { UpstreamPools } from '../runtime/upstream-pools.js';
import { describeSource, loadForCommand } from './static-config.js';

/** Validates the dynamic configuration the static one points at, as a reload would, without serving. */
export async function checkDynamic(config: StaticConfig): Promise<{ errors: ConfigError[]; routers: number }> {
  const snapshots = new Map([['internal', decodeSnapshot(internalSnapshot(config))]]);
  const file = config.providers.file;
  if (file !== undefined) {
    const snapshot = await readFileProviderSnapshot({
      ...(file.filename !== undefined ? { filename: file.filename } : {}),
      ...(file.directory !== undefined ? { directory: file.directory } : {}),
      watch: false,
    });
    snapshots.set('file', decodeSnapshot(snapshot));
  }
  const { merged, errors } = mergeSnapshots(snapshots);
  const settings = runtimeSettings(config, { isTerminating: () => false });
  const plugins = await loadPluginCatalog(settings.plugins, process.cwd());
  const pluginErrors = plugins.failure === undefined ? [] : [new ConfigError('experimental.localPlugins', `plugins are disabled: ${plugins.failure}`)];
  const pools = new UpstreamPools();
  try {
    const runtime = buildRuntime(merged, settings, { pools, log: silentLogger, plugins });
    const routers = new Set([...runtime.enabledRouters.values()].flat().filter((name) => !name.endsWith('@internal')));
    return { errors: [...pluginErrors, ...errors, ...runtime.errors], routers: routers.size };
  } finally {
    await pools.close();
  }
}

/** `junction check`: prints every fault with its path; exits 0 when there is none, 1 otherwise. */
export async function check(argv: readonly string[]): Promise<number> {
  const loaded = loadForCommand(argv);
  process.stdout.write(`static configuration: ${describeSource(loaded)}\n`);
  for (const warning of loaded.warnings) process.stdout.write(`warning: ${warning}\n`);
  if (loaded.errors.length > 0) {
    process.stdout.write(`${formatConfigErrors(loaded.errors)}\n`);
    process.stdout.write(`${loaded.errors.length} error(s) in the static configuration\n`);
    return 1;
  }
  const { errors, routers } = await checkDynamic(loaded.config);
  if (errors.length > 0) {
    process.stdout.write(`${formatConfigErrors(errors)}\n`);
    process.stdout.write(`${errors.length} error(s) in the dynamic configuration; ${routers} router(s) would serve\n`);
    return 1;
  }
  process.stdout.write(`configuration is valid; ${routers} router(s) would serve\n`);
  return 0;
}
