import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { withBucketBoundLast, type PrometheusMetrics } from './prometheus-metrics.js';

/** The text a scrape returns, and its content type. */
export interface PrometheusExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

/** A worker asks the primary for the metrics of every worker; the primary answers with their aggregate. */
type MetricsRequest = { readonly type: 'junction:metrics'; readonly id: number };
type MetricsAnswer = { readonly type: 'junction:metrics'; readonly id: number; readonly text?: string; readonly error?: string };

/** The metrics of this process alone. */
export function localExposition(metrics: PrometheusMetrics): PrometheusExposition {
  return { contentType: metrics.registry.contentType, text: () => metrics.text() };
}

/**
 * In a worker: answers the primary's collection requests with this worker's registry, and serves scrapes
 * with the aggregate of all workers, which the primary gathers (counters and histograms summed).
 */
export function workerExposition(metrics: PrometheusMetrics): PrometheusExposition {
  AggregatorRegistry.setRegistries([metrics.registry]);
  // Constructing one installs prom-client's reply to the primary's collection requests.
  new AggregatorRegistry();
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on('message', (message: MetricsAnswer) => {
    if (message?.type !== 'junction:metrics') return;
    const request = pending.get(message.id);
    if (request === undefined) return;
    pending.delete(message.id);
    if (message.error !== undefined) request.reject(new Error(message.error));
    else request.resolve(message.text ?? '');
  });
  return {
    contentType: metrics.registry.contentType,
    text: () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        process.send?.({ type: 'junction:metrics', id } satisfies MetricsRequest);
      }),
  };
}

/** In the primary: gathers every worker's metrics when one of them is scraped. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: MetricsRequest) => {
    if (message?.type !== 'junction:metrics') return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: 'junction:metrics', id: message.id, text: withBucketBoundLast(text) } satisfies MetricsAnswer),
      (error: Error) => worker.isConnected() && worker.send({ type: 'junction:metrics', id: message.id, error: error.message } satisfies MetricsAnswer),
    );
  });
}
