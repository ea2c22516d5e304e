import { gpuRecordingRules } from './groups/gpu';
import { kubernetesRecordingRules } from './groups/kubernetes';
import { nodeRecordingRules } from './groups/node';
import type { RuleGroup } from './types';

export * from './types';

/** Every rule group the stack's Prometheus loads. */
export const RULE_GROUPS: readonly RuleGroup[] = [nodeRecordingRules, gpuRecordingRules, kubernetesRecordingRules];
