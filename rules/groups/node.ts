import { IGNORED_FSTYPES, JOBS } from '../selectors';
import type { RuleGroup } from '../types';

const nodeExporter = `job="${JOBS.nodeExporter}"`;

/** Seed-named node utilisation series (0–100), computed from node-exporter. */
export const nodeRecordingRules: RuleGroup = {
  name: 'node.recording',
  file: 'node',
  rules: [
    {
      record: 'node_cpu_utilization',
      expr: `100 * (1 - avg by (node) (rate(node_cpu_seconds_total{${nodeExporter}, mode="idle"}[5m])))`,
    },
    {
      record: 'node_memory_utilization',
      expr: `100 * (1 - sum by (node) (node_memory_MemAvailable_bytes{${nodeExporter}}) / sum by (node) (node_memory_MemTotal_bytes{${nodeExporter}}))`,
    },
    {
      record: 'node_disk_utilization',
      expr: `100 * (1 - node_filesystem_avail_bytes{${nodeExporter}, fstype!~"${IGNORED_FSTYPES}"} / node_filesystem_size_bytes{${nodeExporter}, fstype!~"${IGNORED_FSTYPES}"})`,
    },
  ],
};
