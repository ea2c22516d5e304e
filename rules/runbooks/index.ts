import { backupRunbooks } from './backups';
import { federationRunbooks } from './federation';
import { gpuRunbooks } from './gpu';
import { kubernetesRunbooks } from './kubernetes';
import { logRunbooks } from './logs';
import { mageLearnersRunbooks } from './mage-learners';
import { mageWorkersRunbooks } from './mage-workers';
import { metaRunbooks } from './meta';
import { moeInferenceRunbooks } from './moe-inference';
import { moeTrainingRunbooks } from './moe-training';
import { nodeRunbooks } from './node';
import type { Runbook } from './types';

export * from './types';

export const RUNBOOKS: readonly Runbook[] = [
  ...moeTrainingRunbooks,
  ...moeInferenceRunbooks,
  ...mageWorkersRunbooks,
  ...mageLearnersRunbooks,
  ...gpuRunbooks,
  ...nodeRunbooks,
  ...kubernetesRunbooks,
  ...backupRunbooks,
  ...logRunbooks,
  ...metaRunbooks,
];

/** Runbooks of the global Prometheus's alerts (GLOBAL_ALERT_RULES); kept apart like its rule groups. */
export const GLOBAL_RUNBOOKS: readonly Runbook[] = [...federationRunbooks];
