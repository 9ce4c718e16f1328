import type { Log, Logger, RunnablePipeline } from 'eddy';
import { Gauge, type Registry } from 'prom-client';

/**
 * `eddy_stage_consumer_lag{stage,partition}`: records of each partition this
 * instance holds that are past its committed watermark, read from the log
 * when Prometheus scrapes (a part after a `keyBy` is `<name>.<n>`, as in the
 * other stage metrics).
 */
export function lagGauge(
  registry: Registry,
  log: Log,
  pipelines: () => readonly RunnablePipeline[],
  logger: Logger,
): Gauge<'stage' | 'partition'> {
  return new Gauge({
    name: 'eddy_stage_consumer_lag',
    help: 'Records of the partition after its committed watermark: how far this instance is behind the log.',
    labelNames: ['stage', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of pipelines()) {
        for (const [part, input] of p.subjects.inputs.entries()) {
          const stage = part === 0 ? p.name : `${p.name}.${part}`;
          for (const [partition, watermark] of p.watermarks(part)) {
            try {
              this.set(
                { stage, partition: String(partition) },
                await log.pending(input, partition, watermark),
              );
            } catch (error) {
              // The log away is /readyz's news; the scrape goes on without this sample.
              logger.debug({ stage, partition, error: (error as Error).message }, 'consumer lag not read');
            }
          }
        }
      }
    },
  });
}
