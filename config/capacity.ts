import { durationSeconds, memoryBytes } from './quantities';
import type { EnvironmentSettings } from './schema/environment';

/**
 * Sizing assumptions, per source of series. They are deliberately on the high side of what the
 * exporters emit with the collectors this stack enables, so a fleet that fits here fits in reality.
 */
export const CAPACITY_ASSUMPTIONS = {
  /** node-exporter (~700), kubelet's own metrics (~250) and Fluent Bit's (~100), per node. */
  seriesPerNode: 1050,
  /** DCGM exporter counters times their label variants, per GPU. */
  seriesPerGpu: 40,
  /**
   * cAdvisor (~40), kube-state-metrics (~30), the pod's own /metrics (~60 on average) and up to 7
   * log-derived counters, per pod.
   */
  seriesPerPod: 137,
  /** Prometheus, Alertmanager, Grafana, Loki (~2,500 alone) and Jaeger scraped for their own metrics. */
  fixedSeries: 6000,
  /** Compressed TSDB bytes per sample: Prometheus documents 1–2 bytes; we take the upper end. */
  bytesPerSample: 2,
  /** Size-based retention stops at this share of the volume, keeping room for the WAL and compaction. */
  retentionSizeShare: 0.8,
  /** Head-block memory per active series (labels, index, chunks) ... */
  memoryBytesPerSeries: 4 * 1024,
  /** ... doubled for series churn within the 2 h head block (pods come and go). */
  churnFactor: 2,
  /** Go runtime, WAL replay buffers and query working set. */
  baseMemoryBytes: 256 * 2 ** 20,
} as const;

export interface CapacityEstimate {
  readonly activeSeries: number;
  readonly samplesPerSecond: number;
  /** TSDB blocks for the whole retention period. */
  readonly diskBytes: number;
  /** Smallest volume that holds `diskBytes` inside the size-retention share. */
  readonly requiredVolumeBytes: number;
  /** `--storage.tsdb.retention.size`: the share of the configured volume that blocks may use. */
  readonly retentionSizeBytes: number;
  readonly memoryBytes: number;
}

export function estimateCapacity(settings: EnvironmentSettings): CapacityEstimate {
  const a = CAPACITY_ASSUMPTIONS;
  const { fleet, prometheus } = settings;
  const nodes = fleet.cpuNodes + fleet.gpuNodes;
  const gpus = fleet.gpuNodes * fleet.gpusPerNode;
  const activeSeries = nodes * a.seriesPerNode + gpus * a.seriesPerGpu + fleet.pods * a.seriesPerPod + a.fixedSeries;
  const samplesPerSecond = activeSeries / durationSeconds(prometheus.scrapeInterval);
  const diskBytes = samplesPerSecond * durationSeconds(prometheus.retention) * a.bytesPerSample;
  return {
    activeSeries,
    samplesPerSecond,
    diskBytes,
    requiredVolumeBytes: diskBytes / a.retentionSizeShare,
    retentionSizeBytes: Math.floor(memoryBytes(prometheus.storage.size) * a.retentionSizeShare),
    memoryBytes: a.baseMemoryBytes + activeSeries * a.memoryBytesPerSeries * a.churnFactor,
  };
}

const GiB = 2 ** 30;
const gib = (bytes: number): string => `${(bytes / GiB).toFixed(1)}Gi`;

/** Problems that make the configured Prometheus too small for the expected fleet, as `field: message`. */
export function capacityProblems(settings: EnvironmentSettings): Array<{ path: string; message: string }> {
  const estimate = estimateCapacity(settings);
  const { storage, resources } = settings.prometheus;
  const problems: Array<{ path: string; message: string }> = [];
  if (memoryBytes(storage.size) < estimate.requiredVolumeBytes) {
    problems.push({
      path: 'prometheus.storage.size',
      message: `${storage.size} is too small: the fleet needs ${gib(estimate.diskBytes)} of TSDB blocks, so the volume must be at least ${gib(estimate.requiredVolumeBytes)}`,
    });
  }
  if (memoryBytes(resources.memory.limit) < estimate.memoryBytes) {
    problems.push({
      path: 'prometheus.resources.memory.limit',
      message: `${resources.memory.limit} is too small for ${Math.round(estimate.activeSeries)} active series: at least ${gib(estimate.memoryBytes)} is needed`,
    });
  }
  return problems;
}

/** One line for the synth log. */
export function describeCapacity(settings: EnvironmentSettings): string {
  const e = estimateCapacity(settings);
  return [
    `${Math.round(e.activeSeries).toLocaleString('en-US')} series`,
    `${Math.round(e.samplesPerSecond).toLocaleString('en-US')} samples/s`,
    `disk ${gib(e.diskBytes)} of ${settings.prometheus.storage.size} (needs ≥ ${gib(e.requiredVolumeBytes)})`,
    `memory ~${gib(e.memoryBytes)} of ${settings.prometheus.resources.memory.limit} limit`,
  ].join(', ');
}
