// The DCGM fields the exporter collects, rendered into the CSV it reads (`-f`). Type and help come
// from the metric catalog, so the exporter exposes exactly what the catalog says, and the catalog's
// `recordedFrom` tells which rules (seed names included) each field feeds.
import { METRIC_CATALOG, type MetricDefinition } from '../../rules/catalog';

export interface DcgmCounter {
  /** DCGM field id, also the exported metric name, e.g. `DCGM_FI_DEV_GPU_TEMP`. */
  readonly field: string;
  /** What dashboards or alerts use it for; why it is worth a series per GPU. */
  readonly purpose: string;
}

/** Every field collected on every GPU; a field not listed here is not exported. */
export const DCGM_COUNTERS: readonly DcgmCounter[] = [
  { field: 'DCGM_FI_DEV_GPU_UTIL', purpose: 'GPU utilization per GPU, node and cluster' },
  { field: 'DCGM_FI_DEV_FB_USED', purpose: 'framebuffer used: memory pressure and OOM risk' },
  { field: 'DCGM_FI_DEV_FB_FREE', purpose: 'framebuffer free: with used and reserved, the total' },
  { field: 'DCGM_FI_DEV_FB_RESERVED', purpose: 'driver-reserved framebuffer: completes the total' },
  { field: 'DCGM_FI_DEV_GPU_TEMP', purpose: 'temperature alerts before thermal throttling' },
  { field: 'DCGM_FI_DEV_POWER_USAGE', purpose: 'power draw per GPU and node' },
  { field: 'DCGM_FI_DEV_SM_CLOCK', purpose: 'clock drops reveal throttling' },
  { field: 'DCGM_FI_DEV_XID_ERRORS', purpose: 'driver-reported hardware and software faults' },
  { field: 'DCGM_FI_DEV_MEM_COPY_UTIL', purpose: 'memory-bandwidth-bound kernels' },
  { field: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE', purpose: 'engine activity, more precise than GPU_UTIL' },
  { field: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', purpose: 'tensor-core use of training and inference kernels' },
  { field: 'DCGM_FI_PROF_PCIE_TX_BYTES', purpose: 'host-device transfer: data loading, offload' },
  { field: 'DCGM_FI_PROF_PCIE_RX_BYTES', purpose: 'host-device transfer: data loading, offload' },
  { field: 'DCGM_FI_PROF_NVLINK_TX_BYTES', purpose: 'GPU-to-GPU traffic of expert and tensor parallelism' },
  { field: 'DCGM_FI_PROF_NVLINK_RX_BYTES', purpose: 'GPU-to-GPU traffic of expert and tensor parallelism' },
];

const FIELD = /^DCGM_FI_(DEV|PROF)_[A-Z0-9_]+$/;

/** The catalog entries computed from `field` (recording rules such as `nvidia_gpu_temperature`). */
export function catalogEntriesFedBy(field: string, catalog: readonly MetricDefinition[] = METRIC_CATALOG): string[] {
  return catalog
    .filter((metric) => metric.recordedFrom?.includes(field))
    .map((metric) => metric.name)
    .sort();
}

/**
 * The exporter's counters CSV (`field, type, help`), each line preceded by a comment naming its
 * purpose and the catalog entries it feeds. Throws for a field that is malformed, listed twice, or
 * missing from the catalog as a `dcgm-exporter` metric, since the exporter would then expose a
 * series no rule or dashboard knows.
 */
export function renderDcgmCounters(
  counters: readonly DcgmCounter[] = DCGM_COUNTERS,
  catalog: readonly MetricDefinition[] = METRIC_CATALOG,
): string {
  if (counters.length === 0) throw new Error('DCGM counters: got none; must list at least one DCGM_FI_* field');
  const seen = new Set<string>();
  const lines = [
    '# Generated from constructs/dcgm-counters.ts and the metric catalog; do not edit.',
    '# DCGM field, Prometheus type, help',
  ];
  for (const counter of counters) {
    if (!FIELD.test(counter.field)) throw new Error(`DCGM counters: got field "${counter.field}"; must be DCGM_FI_DEV_* or DCGM_FI_PROF_*`);
    if (seen.has(counter.field)) throw new Error(`DCGM counters: got field "${counter.field}" twice; each field may be listed once`);
    seen.add(counter.field);
    const metric = catalog.find((entry) => entry.name === counter.field && entry.source === 'dcgm-exporter');
    if (!metric) throw new Error(`DCGM counters: got field "${counter.field}"; it must be in the metric catalog with source dcgm-exporter`);
    if (metric.type !== 'gauge' && metric.type !== 'counter') {
      throw new Error(`DCGM counters: "${counter.field}" is a ${metric.type} in the catalog; the exporter emits only gauge or counter`);
    }
    const feeds = catalogEntriesFedBy(counter.field, catalog);
    lines.push(`# ${counter.purpose}${feeds.length > 0 ? `; feeds ${feeds.join(', ')}` : ''}`);
    // The exporter splits on commas, so the help text must not contain one.
    lines.push(`${counter.field}, ${metric.type}, ${metric.help.replace(/,/g, ';')}`);
  }
  return `${lines.join('\n')}\n`;
}
