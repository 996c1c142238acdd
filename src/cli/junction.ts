#!/usr/bin/env node
import cluster from 'node:cluster';
import { runWorker } from '../process/workers.js';
import { check } from './check.js';
import { healthcheck } from './healthcheck.js';
import { run } from './run.js';
import { version } from './version.js';

const commands: Record<string, (argv: readonly string[]) => Promise<number>> = { run, check, version, healthcheck };

/** `junction [run|check|version|healthcheck] [flags]`; without a command, runs. */
async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (first !== undefined && !first.startsWith('-')) {
    const command = commands[first];
    if (command === undefined) {
      process.stderr.write(`unknown command "${first}"\n${usage}`);
      return 1;
    }
    return command(rest);
  }
  return run(argv);
}

const usage = `Usage: junction [command] [flags]

Commands:
  run          serve (the default)
  check        validate the static and dynamic configuration without serving
  healthcheck  ask the running instance's ping endpoint whether it is healthy
  version      print the version

The static configuration comes from exactly one source, as in Traefik: --configFile=PATH or a
traefik.{yml,yaml,toml} / junction.{yml,yaml,toml} file, else flags (--entryPoints.web.address=:80),
else TRAEFIK_* or JUNCTION_* environment variables, else the built-in configuration
(entryPoint web on :8000, entryPoint traefik on :8080 with /ping).
`;

if (cluster.isWorker) runWorker();
else main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
