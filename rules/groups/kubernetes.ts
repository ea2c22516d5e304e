import { JOBS } from '../selectors';
import type { RuleGroup } from '../types';

/** Seed-named container series, computed from cAdvisor. */
export const kubernetesRecordingRules: RuleGroup = {
  name: 'kubernetes.recording',
  file: 'kubernetes',
  rules: [
    {
      // Working set, not usage: it is what the kubelet and the OOM killer compare with the limit.
      // container="" is the pod-level cgroup and "POD" the pause container; both would double-count.
      record: 'container_memory_usage',
      expr: `container_memory_working_set_bytes{job="${JOBS.cadvisor}", container!="", container!="POD"}`,
    },
  ],
};
