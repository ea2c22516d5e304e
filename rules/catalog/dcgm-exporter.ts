import type { MetricDefinition } from './types';

/**
 * Labels dcgm-exporter puts on every `DCGM_FI_DEV_*` series, besides the target labels. On a GPU a pod
 * holds, `namespace`/`pod`/`container` are that pod's (the scrape job's metric relabelling), else the exporter's.
 */
const GPU_LABELS = ['gpu', 'UUID', 'modelName', 'Hostname'];

/** Metrics of the NVIDIA DCGM exporter on every GPU node (`DCGM_FI_DEV_*` fields). */
export const dcgmExporterMetrics: readonly MetricDefinition[] = [
  {
    name: 'DCGM_FI_DEV_GPU_TEMP',
    type: 'gauge',
    unit: 'celsius',
    source: 'dcgm-exporter',
    help: 'GPU temperature.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_FB_USED',
    type: 'gauge',
    unit: 'mebibytes',
    source: 'dcgm-exporter',
    help: 'Framebuffer memory used.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_FB_FREE',
    type: 'gauge',
    unit: 'mebibytes',
    source: 'dcgm-exporter',
    help: 'Framebuffer memory free.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_FB_RESERVED',
    type: 'gauge',
    unit: 'mebibytes',
    source: 'dcgm-exporter',
    help: 'Framebuffer memory reserved by the driver.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_GPU_UTIL',
    type: 'gauge',
    unit: 'percent',
    source: 'dcgm-exporter',
    help: 'Share of the last sample period in which a kernel ran on the GPU, 0–100.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_POWER_USAGE',
    type: 'gauge',
    unit: 'watts',
    source: 'dcgm-exporter',
    help: 'Power drawn by the GPU board.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_SM_CLOCK',
    type: 'gauge',
    unit: 'megahertz',
    source: 'dcgm-exporter',
    help: 'Streaming multiprocessor clock; drops below the base clock when the GPU throttles.',
    labels: GPU_LABELS,
  },
  {
    // A gauge holding an XID code (e.g. 79, "GPU has fallen off the bus"), not a count of errors.
    name: 'DCGM_FI_DEV_XID_ERRORS',
    type: 'gauge',
    unit: 'none',
    source: 'dcgm-exporter',
    help: 'Code of the last XID error the driver reported for the GPU; 0 when none has been reported.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_DEV_MEM_COPY_UTIL',
    type: 'gauge',
    unit: 'percent',
    source: 'dcgm-exporter',
    help: 'Share of the last sample period in which GPU memory was read or written, 0–100.',
    labels: GPU_LABELS,
  },
  // Profiling (DCP) fields: averages over the sample period, so gauges, although the exporter's
  // upstream CSV calls the throughput fields counters. They need CAP_SYS_ADMIN (constructs/k8s/host-access.ts).
  // The throughput fields are already rates: their `bytes` are bytes per second, never rate() them.
  {
    name: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
    type: 'gauge',
    unit: 'ratio',
    source: 'dcgm-exporter',
    help: 'Share of time the graphics/compute engine was active, 0–1; finer than GPU_UTIL on large GPUs.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE',
    type: 'gauge',
    unit: 'ratio',
    source: 'dcgm-exporter',
    help: 'Share of cycles the tensor cores were busy, 0–1; low values in training mean the GPU waits on input or communication.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_PROF_PCIE_TX_BYTES',
    type: 'gauge',
    unit: 'bytes',
    source: 'dcgm-exporter',
    help: 'Bytes per second the GPU sent over PCIe, protocol headers included.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_PROF_PCIE_RX_BYTES',
    type: 'gauge',
    unit: 'bytes',
    source: 'dcgm-exporter',
    help: 'Bytes per second the GPU received over PCIe, protocol headers included.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_PROF_NVLINK_TX_BYTES',
    type: 'gauge',
    unit: 'bytes',
    source: 'dcgm-exporter',
    help: 'Bytes per second the GPU sent over all its NVLinks; 0 on GPUs without NVLink.',
    labels: GPU_LABELS,
  },
  {
    name: 'DCGM_FI_PROF_NVLINK_RX_BYTES',
    type: 'gauge',
    unit: 'bytes',
    source: 'dcgm-exporter',
    help: 'Bytes per second the GPU received over all its NVLinks; 0 on GPUs without NVLink.',
    labels: GPU_LABELS,
  },
];
