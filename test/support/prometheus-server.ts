import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { peerPath } from './peers.js';
import { freePort } from './ports.js';
import { until } from './until.js';

export interface PrometheusServer {
  readonly url: string;
  /** Runs an instant PromQL query and returns its vector: labels and value of each series. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
}

/** Starts a real Prometheus server scraping `target` (`host:port`) every second; stopped after the test. */
export async function startPrometheus(t: TestContext, target: string): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-prometheus-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: junction\n    static_configs:\n      - targets: ["${target}"]\n`,
  );
  const child = spawn(
    peerPath('prometheus'),
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 30_000, message: `Prometheus ready; output:\n${output}` });
  return {
    url,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
      return body.data.result.map((series) => ({ metric: series.metric, value: Number(series.value[1]) }));
    },
  };
}
