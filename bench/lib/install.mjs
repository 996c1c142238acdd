// Installs the programs the benchmark needs from Debian, where they are missing.
import { hasCommand, runCommand } from './processes.mjs';

/** Program → Debian packages to try, in order. */
const packages = {
  wrk: ['wrk'],
  nginx: ['nginx-light', 'nginx'],
  haproxy: ['haproxy'],
  caddy: ['caddy'],
  openssl: ['openssl'],
  taskset: ['util-linux'],
};

let updated = false;

function aptInstall(pkg) {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const result = runCommand('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env });
  return result.status === 0 ? undefined : (result.stderr || result.stdout).trim().split('\n').slice(-2).join(' ');
}

/**
 * Makes `program` available: returns undefined when it is (or has just been installed), else the reason
 * it cannot be. Runs `apt-get update` once when a package is not found.
 */
export function ensureProgram(program, log) {
  if (hasCommand(program)) return undefined;
  if (!hasCommand('apt-get')) return `${program} is not installed and there is no apt-get to install it`;
  if (process.getuid?.() !== 0) return `${program} is not installed; run as root to let the benchmark install it (apt-get install -y ${packages[program][0]})`;
  let reason = '';
  for (const pkg of packages[program] ?? [program]) {
    log(`installing ${pkg} (apt-get install -y ${pkg}) ...`);
    reason = aptInstall(pkg);
    if (reason !== undefined && !updated) {
      log('package not found or not installable; running apt-get update and trying again ...');
      updated = true;
      runCommand('apt-get', ['update'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
      reason = aptInstall(pkg);
    }
    if (reason === undefined && hasCommand(program)) return undefined;
  }
  return `${program} could not be installed: ${reason || 'the package did not provide it'}`;
}
