import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_RULES } from '../../rules';
import { RUNBOOKS } from '../../rules/runbooks';
import { pairRunbooks, renderRunbookFiles } from '../../rules/runbooks/files';

const DOCS = join(__dirname, '..', '..', 'docs', 'runbooks');

describe('runbooks', () => {
  it('GIVEN every alert THEN exactly one runbook belongs to it, and every runbook to an alert', () => {
    expect(() => pairRunbooks()).not.toThrow();
    expect(RUNBOOKS.length).toBe(new Set(ALERT_RULES.map((rule) => rule.alert)).size);
  });

  it('GIVEN an alert without a runbook WHEN paired THEN the error names it', () => {
    expect(() => pairRunbooks([...ALERT_RULES, { ...ALERT_RULES[0], alert: 'NoSuchRunbook' }])).toThrow(
      'alert NoSuchRunbook has no runbook',
    );
  });

  it('GIVEN docs/runbooks WHEN compared with the generated pages THEN they are in sync (run `npm run runbooks`)', () => {
    const expected = renderRunbookFiles();
    expect(readdirSync(DOCS).sort()).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) expect([name, readFileSync(join(DOCS, name), 'utf8') === content]).toEqual([name, true]);
  });

  it('GIVEN every runbook THEN it has at least two diagnosis steps and one mitigation with something to run', () => {
    for (const runbook of RUNBOOKS) {
      expect([runbook.alert, runbook.diagnosis.length >= 2, runbook.mitigation.length >= 1]).toEqual([runbook.alert, true, true]);
      const runnable = [...runbook.diagnosis, ...runbook.mitigation].filter((step) => step.command || step.query);
      expect([runbook.alert, runnable.length >= 2]).toEqual([runbook.alert, true]);
    }
  });

  // The seed runbooks' troubleshooting steps, as the seed documents spell them.
  const SEED_STEPS: Record<string, string[]> = {
    MoETrainingLossHigh: ['deployment/moe-trainer', '/config', 'moe_lab_training_loss'],
    GPUMemoryUsageHigh: [
      'deployment/moe-trainer',
      'training-config',
      'batch_size',
      'gradient_checkpointing',
      'moe_lab_gpu_memory_utilization',
    ],
    ExpertLoadImbalance: ['load_balance_loss_coef', '0.01 to 0.02', 'expert_capacity_factor', '1.5', 'router-config'],
    InferenceLatencyHigh: ['deployment/moe-inference', 'cache', 'int8', 'kubectl scale', 'moe_lab_inference_latency_p99'],
  };

  it.each(Object.entries(SEED_STEPS))('GIVEN the seed runbook %s THEN its page carries the seed troubleshooting steps', (alert, steps) => {
    const page = readFileSync(join(DOCS, `${alert}.md`), 'utf8');
    for (const step of steps) expect([alert, page.includes(step)]).toEqual([alert, true]);
  });
});
