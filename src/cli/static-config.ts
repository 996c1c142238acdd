import { homedir } from 'node:os';
import { loadStaticConfig, type LoadedStaticConfig } from '../config/static/load.js';

/** Loads the static configuration for a command, from this process's flags, environment and directory. */
export function loadForCommand(argv: readonly string[]): LoadedStaticConfig {
  return loadStaticConfig({ argv, env: process.env, cwd: process.cwd(), homeDir: process.env.HOME ?? homedir() });
}

/** Describes where the static configuration came from, for the startup log. */
export function describeSource(loaded: LoadedStaticConfig): string {
  switch (loaded.source.kind) {
    case 'file':
      return `file ${loaded.source.path}`;
    case 'flags':
      return 'command-line flags';
    case 'environment':
      return `environment variables ${loaded.source.prefix}*`;
    case 'builtin':
      return 'built-in default configuration';
  }
}
