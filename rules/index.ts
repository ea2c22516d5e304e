import { backupGroups } from './groups/backups';
import { federationGroups } from './groups/federation';
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

/**
 * The global Prometheus's rule groups, kept apart from RULE_GROUPS: members never load them, and
 * member dashboards do not link their alerts. Only an environment with federation role global runs them.
 */
export const GLOBAL_RULE_GROUPS: readonly RuleGroup[] = [...federationGroups];

export const GLOBAL_ALERT_RULES: readonly AlertRule[] = GLOBAL_RULE_GROUPS.flatMap((group) => group.rules.filter(isAlert));
