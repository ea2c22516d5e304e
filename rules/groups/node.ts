import { JOBS } from '../../contracts/jobs';
import { NODE } from '../thresholds';
import type { AlertRule, Priority, RuleGroup, Severity } from '../types';
import { IGNORED_FSTYPES } from '../selectors';

const nodeExporter = `job="${JOBS.nodeExporter}"`;

/**
 * One tier of the disk alert. Both tiers share the alert name, so while the critical one fires
 * Alertmanager inhibits the warning (equal alertname); they differ in threshold, `for` and severity.
 */
function diskUsageHigh(threshold: number, forDuration: string, severity: Severity, priority: Priority): AlertRule {
  return {
    alert: 'NodeDiskUsageHigh',
    // One alert per filesystem; the node-exporter pod's own labels would only say where it runs.
    expr: `max by (node, device, mountpoint) (node_disk_utilization) > ${threshold}`,
    for: forDuration,
    severity,
    priority,
    dashboard: 'system',
    summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is filling up',
    description: `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on node {{ $labels.node }} is {{ $value | printf "%.1f" }}% full (above ${threshold}%); the kubelet evicts pods when its filesystem runs low, and writes fail once it is full.`,
  };
}

/** Node health from node-exporter: the seed-named utilisation series (0–100) and their alerts. */
export const nodeGroups: readonly RuleGroup[] = [
  {
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
  },
  {
    name: 'node.alerts',
    file: 'node',
    rules: [
      {
        alert: 'NodeCPUUsageHigh',
        expr: `node_cpu_utilization > ${NODE.maxCpuUtilizationPercent}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'CPU of node {{ $labels.node }} is saturated',
        description: `CPU utilization of node {{ $labels.node }} is {{ $value | printf "%.1f" }}% (above ${NODE.maxCpuUtilizationPercent}%); data loaders and exporters on it fall behind.`,
      },
      {
        alert: 'NodeMemoryUsageHigh',
        expr: `node_memory_utilization > ${NODE.maxMemoryUtilizationPercent}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Memory of node {{ $labels.node }} is almost exhausted',
        description: `Memory utilization of node {{ $labels.node }} is {{ $value | printf "%.1f" }}% (above ${NODE.maxMemoryUtilizationPercent}%); the kubelet will start evicting pods.`,
      },
      diskUsageHigh(NODE.maxDiskUtilizationPercent, '15m', 'warning', 'P2'),
    ],
  },
  {
    // Its own group: rule names are unique within a group, and this tier shares its name with the warning.
    name: 'node.alerts.critical',
    file: 'node',
    rules: [diskUsageHigh(NODE.criticalDiskUtilizationPercent, '5m', 'critical', 'P1')],
  },
];
