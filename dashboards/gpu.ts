import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { JOBS } from '../contracts/jobs';
import { GPU } from '../rules/thresholds';
import { stackDashboard } from './lib/dashboard';
import { statPanel, timeseriesPanel, type Threshold } from './lib/panels';
import { tablePanel } from './lib/tables';
import { filters, selector } from './lib/variables';

const dcgmJob = `job="${JOBS.dcgmExporter}"`;
const gpuFilters = filters('cluster', 'namespace', 'node', 'gpu');

/** A DCGM field (or a series recorded from one with all its labels) for the selected GPUs. */
const ofGpus = (metric: string, ...matchers: string[]) => selector(metric, ...matchers, ...gpuFilters);
/** One series per GPU: the exporter's pod and instance labels change when it restarts, node and gpu do not. */
const perGpu = (expr: string) => `max by (cluster, node, gpu) (${expr})`;
const field = (name: string) => perGpu(ofGpus(name, dcgmJob));
// Series recorded per node (over all its GPUs) or per node and GPU keep only those labels: neither
// the holding pod's namespace nor, per node, a gpu applies to them.
const perNode = (metric: string) => selector(metric, ...filters('cluster', 'node'));
const perNodeGpu = (metric: string) => perGpu(selector(metric, ...filters('cluster', 'node', 'gpu')));

const utilization = field('DCGM_FI_DEV_GPU_UTIL');
const memoryRatio = perNodeGpu('node_gpu:DCGM_FI_DEV_FB_USED:ratio');
const temperature = field('DCGM_FI_DEV_GPU_TEMP');
const power = field('DCGM_FI_DEV_POWER_USAGE');
const smClock = field('DCGM_FI_DEV_SM_CLOCK');
const xid = field('DCGM_FI_DEV_XID_ERRORS');
// DCGM reports framebuffer in MiB; the seed series nvidia_gpu_memory_total_bytes is in bytes.
const BYTES_PER_MIB = 1024 * 1024;

const hot = { value: GPU.maxTemperatureCelsius, bad: 'above' } as const;
// XID codes start at 1 and GPUXidError fires on any of them; 0 means none was reported.
const anyXid: Threshold = { value: 1, bad: 'above' };

const gpuLegend = '{{node}} GPU {{gpu}}';
const nodeLegend = '{{node}}';

/** Are the GPUs busy, cool and error-free, node by node and GPU by GPU? */
export function gpuDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'gpu',
    description:
      "GPU health from the DCGM exporter: utilization, framebuffer, temperature, power, SM clocks and XID errors per node and GPU. Namespace is that of the pod holding the GPU (the exporter's for an idle GPU).",
    tags: ['gpu', 'dcgm'],
    variables: { metric: 'DCGM_FI_DEV_GPU_TEMP', matchers: [dcgmJob], labels: ['node', 'gpu'] },
    rows: [
      {
        title: 'At a glance',
        panels: [
          statPanel({
            title: 'GPU utilization',
            description:
              'Mean utilization of the selected GPUs, each GPU counted once (a mean of per-node means would overweight small nodes). Low while jobs run means they wait on data or communication.',
            unit: 'ratio',
            queries: [{ expr: `avg(${utilization}) / 100` }],
            width: 4,
          }),
          statPanel({
            title: 'Fullest framebuffer',
            description:
              'Framebuffer in use on the fullest selected GPU, of what the driver leaves usable; at 100 % the next allocation fails with CUDA out of memory.',
            unit: 'ratio',
            queries: [{ expr: `max(${memoryRatio})` }],
            width: 4,
          }),
          statPanel({
            title: 'Hottest GPU',
            description: `Temperature of the hottest GPU on the selected nodes; red above ${GPU.maxTemperatureCelsius} °C, where GPUTemperatureHigh fires after 5 minutes and the GPU throttles its clocks.`,
            unit: 'celsius',
            queries: [{ expr: `max(${perNode('node:DCGM_FI_DEV_GPU_TEMP:max')})` }],
            threshold: hot,
            width: 4,
          }),
          statPanel({
            title: 'Power draw',
            description: 'Power drawn by all GPUs of the selected nodes (recorded per node, so the GPU filter does not apply).',
            unit: 'watts',
            queries: [{ expr: `sum(${perNode('node:DCGM_FI_DEV_POWER_USAGE:sum')})` }],
            width: 4,
          }),
          statPanel({
            title: 'Lowest SM clock',
            description:
              'Slowest streaming-multiprocessor clock among the selected GPUs; one GPU far below the others is throttling (heat or power) and holds back every collective it takes part in.',
            unit: 'megahertz',
            queries: [{ expr: `min(${smClock})` }],
            width: 4,
          }),
          statPanel({
            title: 'GPUs with XID errors',
            description:
              'Selected GPUs whose driver reported an XID error; red from the first, each fires GPUXidError (critical) until the GPU is fixed and the exporter restarted.',
            unit: 'count',
            queries: [{ expr: `count(${xid} != 0) or vector(0)` }],
            threshold: anyXid,
            width: 4,
          }),
        ],
      },
      {
        title: 'Per node',
        panels: [
          timeseriesPanel({
            title: 'GPU utilization per node',
            description: 'Mean GPU utilization over the GPUs of each node; a node far below the others runs a straggler or no job.',
            unit: 'ratio',
            queries: [{ expr: perNode('node:DCGM_FI_DEV_GPU_UTIL:avg_ratio'), legend: nodeLegend }],
            min: 0,
            max: 1,
          }),
          timeseriesPanel({
            title: 'Framebuffer in use per node',
            description: 'Framebuffer in use over the usable framebuffer of all GPUs of each node.',
            unit: 'ratio',
            queries: [{ expr: perNode('node:DCGM_FI_DEV_FB_USED:ratio'), legend: nodeLegend }],
            min: 0,
            max: 1,
          }),
          timeseriesPanel({
            title: 'Hottest GPU per node',
            description: `Temperature of the hottest GPU of each node. Above the dashed ${GPU.maxTemperatureCelsius} °C line for 5 minutes GPUTemperatureHigh fires.`,
            unit: 'celsius',
            queries: [{ expr: perNode('node:DCGM_FI_DEV_GPU_TEMP:max'), legend: nodeLegend }],
            threshold: hot,
          }),
          timeseriesPanel({
            title: 'GPU power per node',
            description: "Power drawn by all GPUs of each node; compare with the node's power budget.",
            unit: 'watts',
            queries: [{ expr: perNode('node:DCGM_FI_DEV_POWER_USAGE:sum'), legend: nodeLegend }],
            min: 0,
          }),
        ],
      },
      {
        title: 'Utilization and memory per GPU',
        panels: [
          timeseriesPanel({
            title: 'GPU utilization',
            description: 'Share of the last sample period in which a kernel ran, per GPU.',
            unit: 'percent',
            queries: [{ expr: utilization, legend: gpuLegend }],
            width: 8,
            min: 0,
            max: 100,
          }),
          timeseriesPanel({
            title: 'Framebuffer in use',
            description: 'Framebuffer in use per GPU, of used plus free (the driver-reserved part is neither).',
            unit: 'ratio',
            queries: [{ expr: memoryRatio, legend: gpuLegend }],
            width: 8,
            min: 0,
            max: 1,
          }),
          timeseriesPanel({
            title: 'Framebuffer used and total',
            description: 'Framebuffer used per GPU next to its total size (driver-reserved part included).',
            unit: 'bytes',
            queries: [
              { expr: `${field('DCGM_FI_DEV_FB_USED')} * ${BYTES_PER_MIB}`, legend: `${gpuLegend} used` },
              { expr: perGpu(ofGpus('nvidia_gpu_memory_total_bytes', dcgmJob)), legend: `${gpuLegend} total` },
            ],
            width: 8,
            min: 0,
          }),
        ],
      },
      {
        title: 'Temperature, power and errors per GPU',
        panels: [
          timeseriesPanel({
            title: 'GPU temperature',
            description: `Temperature per GPU. Above the dashed ${GPU.maxTemperatureCelsius} °C line for 5 minutes GPUTemperatureHigh fires; the GPU throttles and slows every job on it.`,
            unit: 'celsius',
            queries: [{ expr: temperature, legend: gpuLegend }],
            threshold: hot,
          }),
          timeseriesPanel({
            title: 'GPU power',
            description: 'Power drawn per GPU board; a GPU well below its peers while busy is power- or heat-capped.',
            unit: 'watts',
            queries: [{ expr: power, legend: gpuLegend }],
            min: 0,
          }),
          timeseriesPanel({
            title: 'SM clock',
            description: 'Streaming-multiprocessor clock per GPU; it drops below the base clock when the GPU throttles.',
            unit: 'megahertz',
            queries: [{ expr: smClock, legend: gpuLegend }],
            min: 0,
          }),
          timeseriesPanel({
            title: 'Last XID error',
            description:
              'Code of the last XID error per GPU, 0 while none has been reported (e.g. 79: fallen off the bus, 48: double-bit ECC). Any code fires GPUXidError.',
            unit: 'none',
            queries: [{ expr: xid, legend: gpuLegend }],
            threshold: anyXid,
            min: 0,
          }),
        ],
      },
      {
        title: 'GPUs',
        panels: [
          tablePanel({
            title: 'Selected GPUs',
            description: 'Latest values per GPU, coloured red where an alert threshold is crossed.',
            rowLabels: ['node', 'gpu'],
            columns: [
              { title: 'Utilization', expr: utilization, unit: 'percent' },
              { title: 'Framebuffer', expr: memoryRatio, unit: 'ratio' },
              { title: 'Temperature', expr: temperature, unit: 'celsius', threshold: hot },
              { title: 'Power', expr: power, unit: 'watts' },
              { title: 'SM clock', expr: smClock, unit: 'megahertz' },
              { title: 'Last XID', expr: xid, unit: 'none', threshold: anyXid },
            ],
          }),
        ],
      },
    ],
  });
}
