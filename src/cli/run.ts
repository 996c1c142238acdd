import { Logger } from '../observability/logger.js';
import { SingleProcess } from '../process/single-process.js';
import { workerCount } from '../process/runtime-settings-from-static.js';
import { Primary } from '../process/workers.js';
import { describeSource, loadForCommand } from './static-config.js';
import { junctionVersion } from './version.js';
import { fileRotation } from '../observability/rotating-file-sink.js';

/** Serves until SIGTERM or SIGINT, then drains gracefully and exits 0. A static configuration fault exits 1. */
export async function run(argv: readonly string[]): Promise<number> {
  const loaded = loadForCommand(argv);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`static configuration error: ${error.message}\n`);
    return 1;
  }
  const { config } = loaded;
  const log = new Logger({ level: config.log.level, format: config.log.format, ...(config.log.filePath !== undefined ? { filePath: config.log.filePath, rotation: fileRotation(config.log) } : {}) });
  for (const warning of loaded.warnings) log.warn(warning);
  const workers = workerCount(config.workers);
  log.info('starting Junction', { version: junctionVersion(), configuration: describeSource(loaded), workers });

  // A bug must not take the whole router down: log it and keep serving.
  process.on('uncaughtException', (error) => log.error('unexpected error', { error: error.stack ?? error.message }));
  process.on('unhandledRejection', (reason) => log.error('unexpected rejection', { error: String(reason) }));

  let instance: { stop(): Promise<void>; reopenLogs(): void };
  try {
    if (workers > 1) {
      const primary = new Primary(config, log, workers);
      instance = primary;
      await primary.start();
    } else {
      instance = await SingleProcess.start(config, log);
    }
  } catch (error) {
    process.stderr.write(`cannot start: ${(error as Error).message}\n`);
    await log.close();
    return 1;
  }

  // As Traefik: USR1 reopens the access log file once an outside tool (logrotate) moved it away.
  process.on('SIGUSR1', () => {
    log.info('reopening the access log');
    instance.reopenLogs();
  });

  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      log.info('stopping', { signal });
      process.once(signal, () => process.exit(1));
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await instance.stop();
  log.info('stopped');
  await log.close();
  return 0;
}
