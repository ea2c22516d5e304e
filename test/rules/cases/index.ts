import { backupCases } from './backups';
import { gpuCases } from './gpu';
import { kubernetesCases } from './kubernetes';
import { logCases } from './logs';
import { mageLearnersCases } from './mage-learners';
import { mageWorkersCases } from './mage-workers';
import { metaCases } from './meta';
import { moeInferenceCases } from './moe-inference';
import { moeTrainingCases } from './moe-training';
import { nodeCases } from './node';
import type { RuleTestCase } from './types';

export * from './types';

/** Test cases per rules file (component), so a failing promtool run names the component. */
export const RULE_TEST_CASES: Readonly<Record<string, readonly RuleTestCase[]>> = {
  'moe-training': moeTrainingCases,
  'moe-inference': moeInferenceCases,
  'mage-workers': mageWorkersCases,
  'mage-learners': mageLearnersCases,
  gpu: gpuCases,
  node: nodeCases,
  kubernetes: kubernetesCases,
  backups: backupCases,
  logs: logCases,
  meta: metaCases,
};
