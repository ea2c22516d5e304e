import { backupGroups } from './groups/backups';
import { gpuGroups } from './groups/gpu';
import { kubernetesGroups } from './groups/kubernetes';
import { logGroups } from './groups/logs';
import { mageLearnersGroups } from './groups/mage-learners';
import { mageWorkersGroups } from './groups/mage-workers';
import { metaGroups } from './groups/meta';
import { moeInferenceGroups } from './groups/moe-inference';
import { moeTrainingGroups } from './groups/moe-training';
import { nodeGroups } from './groups/node';
import { isAlert, type AlertRule, type RuleGroup } from './types';

export * from './types';

/** Every rule group the stack's Prometheus loads, one rules file per component. */
export const RULE_GROUPS: readonly RuleGroup[] = [
  ...moeTrainingGroups,
  ...moeInferenceGroups,
  ...mageWorkersGroups,
  ...mageLearnersGroups,
  ...gpuGroups,
  ...nodeGroups,
  ...kubernetesGroups,
  ...backupGroups,
  ...logGroups,
  ...metaGroups,
];

export const ALERT_RULES: readonly AlertRule[] = RULE_GROUPS.flatMap((group) => group.rules.filter(isAlert));
