import { KUBERNETES } from '../../thresholds';
import type { MetricDefinition } from '../types';

/** Series the kubernetes rules record, with their unit and the metrics they are computed from. */
export const kubernetesRecorded: readonly MetricDefinition[] = [
  {
    name: 'container_memory_usage',
    type: 'gauge',
    unit: 'bytes',
    source: 'recording-rule',
    recordedFrom: ['container_memory_working_set_bytes'],
    help: 'Working-set memory per container.',
  },
  {
    name: 'namespace:container_memory_usage:sum',
    type: 'gauge',
    unit: 'bytes',
    source: 'recording-rule',
    recordedFrom: ['container_memory_usage'],
    help: 'Working-set memory of all containers per namespace.',
  },
  {
    name: 'namespace:container_cpu_usage_seconds:sum_rate5m',
    type: 'gauge',
    unit: 'cores',
    source: 'recording-rule',
    recordedFrom: ['container_cpu_usage_seconds_total'],
    help: 'CPU cores in use (CPU-seconds per second) by all containers per namespace, over 5 minutes.',
  },
  {
    name: `namespace_pod_container:kube_pod_container_status_restarts:increase${KUBERNETES.restartWindow}`,
    type: 'gauge',
    unit: 'restarts',
    source: 'recording-rule',
    recordedFrom: ['kube_pod_container_status_restarts_total'],
    help: `Restarts per container within the last ${KUBERNETES.restartWindow}.`,
  },
  {
    name: 'namespace_pod_container:container_memory_usage:limit_ratio',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['container_memory_usage', 'kube_pod_container_resource_limits'],
    help: 'Working-set memory per container as a ratio of its memory limit, 0–1; containers without a limit have none.',
  },
  {
    name: `namespace_pod_container:kube_pod_container_status_restarts_oomkilled:increase${KUBERNETES.oomKillWindow}`,
    type: 'gauge',
    unit: 'restarts',
    source: 'recording-rule',
    recordedFrom: ['kube_pod_container_status_restarts_total', 'kube_pod_container_status_last_terminated_reason'],
    help: `Restarts per container within the last ${KUBERNETES.oomKillWindow} whose last termination was an OOM kill; 0 for every other container.`,
  },
];
