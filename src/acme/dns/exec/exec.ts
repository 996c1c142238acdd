import { spawn } from 'node:child_process';
import {
  defaultPollingIntervalMs, defaultPropagationTimeoutMs, type DnsChallenge, type DnsProvider,
} from '../dns-provider.js';
import { ProviderEnv } from '../provider-env.js';

/** How much of the program's output an error quotes; the rest is dropped. */
const maxOutputBytes = 4096;

export interface ExecConfig {
  readonly program: string;
  /** `raw`: the program gets the domain, token and key authorization instead of the record name and value. */
  readonly mode: 'record' | 'raw';
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly sequenceIntervalMs: number;
}

/** Reads lego's `EXEC_*` variables. */
export function execConfigFromEnv(env: NodeJS.ProcessEnv): ExecConfig {
  const vars = new ProviderEnv('exec', env);
  const { EXEC_PATH: program } = vars.required('EXEC_PATH');
  // Only the exact value RAW switches mode in lego; anything else means the default.
  const mode = env.EXEC_MODE === 'RAW' ? 'raw' : 'record';
  return {
    program,
    mode,
    propagationTimeoutMs: vars.secondsAsMs('EXEC_PROPAGATION_TIMEOUT', defaultPropagationTimeoutMs),
    pollingIntervalMs: vars.secondsAsMs('EXEC_POLLING_INTERVAL', defaultPollingIntervalMs),
    sequenceIntervalMs: vars.secondsAsMs('EXEC_SEQUENCE_INTERVAL', defaultPropagationTimeoutMs),
  };
}

/**
 * Runs an outside program to publish and remove the record, as lego's `exec` provider:
 * `<program> present|cleanup <fqdn> <value>`, or with `EXEC_MODE=RAW`
 * `<program> present|cleanup -- <domain> <token> <keyAuthorization>`. A non-zero exit fails the challenge.
 */
export class ExecProvider implements DnsProvider {
  readonly name = 'exec';
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  /** lego runs this provider's challenges one after the other. */
  readonly sequenceIntervalMs: number;
  readonly #config: ExecConfig;

  constructor(config: ExecConfig) {
    this.#config = config;
    this.propagationTimeoutMs = config.propagationTimeoutMs;
    this.pollingIntervalMs = config.pollingIntervalMs;
    this.sequenceIntervalMs = config.sequenceIntervalMs;
  }

  present(domain: string, fqdn: string, value: string, challenge?: DnsChallenge): Promise<void> {
    return this.#run('present', domain, fqdn, value, challenge);
  }

  cleanup(domain: string, fqdn: string, value: string, challenge?: DnsChallenge): Promise<void> {
    return this.#run('cleanup', domain, fqdn, value, challenge);
  }

  #run(action: 'present' | 'cleanup', domain: string, fqdn: string, value: string, challenge: DnsChallenge | undefined): Promise<void> {
    let args: string[];
    if (this.#config.mode === 'raw') {
      if (challenge === undefined) return Promise.reject(new Error(`exec: EXEC_MODE=RAW needs the challenge token for ${domain}`));
      // The "--" keeps a token starting with "-" from being read as an option, as in lego.
      args = [action, '--', domain, challenge.token, challenge.keyAuthorization];
    } else {
      args = [action, fqdn, value];
    }
    return runProgram(this.#config.program, args);
  }
}

/** Runs `program` with `args`; resolves on exit code 0, rejects with its output (stdout and stderr) otherwise. */
function runProgram(program: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let kept = 0;
    const keep = (chunk: Buffer): void => {
      if (kept >= maxOutputBytes) return;
      const part = chunk.subarray(0, maxOutputBytes - kept);
      chunks.push(part);
      kept += part.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new Error(`exec: cannot run "${program}": ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const output = Buffer.concat(chunks).toString('utf8').trim();
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new Error(`exec: "${program} ${args[0]}" ${how}${output === '' ? '' : `: ${output}`}`));
    });
  });
}
