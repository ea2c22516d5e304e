import type { Runbook } from './types';

const logs = 'kubectl logs -n mage deployment/mage-learner --tail=200';
const learnerEnv = 'kubectl set env -n mage deployment/mage-learner --list';
const restart = 'kubectl rollout restart -n mage deployment/mage-learner\nkubectl rollout status -n mage deployment/mage-learner';

export const mageLearnersRunbooks: readonly Runbook[] = [
  {
    alert: 'HighGPUMemoryUsage',
    meaning: "A Mage learner has used more than 90 % of its GPU's memory for 5 minutes (usage compared with the largest GPU on its node).",
    impact:
      'The next larger batch or activation spike fails with CUDA out of memory; the learner crashes and loses the training since its last checkpoint.',
    diagnosis: [
      { text: 'Read the learner logs for CUDA out-of-memory errors or allocator warnings.', command: logs },
      {
        text: 'Compare the batch size in use with the one the learner computed as fitting its GPU; a current batch above the optimum explains the pressure.',
        query: 'mage_current_batch_size{app="mage-learner"}\n  / mage_optimal_batch_size{app="mage-learner"}',
      },
      {
        text: 'Follow the memory ratio over time; steady growth step after step suggests a leak rather than a batch that is too large.',
        query: 'mage_gpu_memory_used_bytes{app="mage-learner"}\n  / on (node) group_left () max by (node) (nvidia_gpu_memory_total_bytes)',
      },
      {
        text: 'Check that no other GPU workload shares the node.',
        command: 'kubectl get pods -A -o wide --field-selector spec.nodeName=<node>',
      },
    ],
    mitigation: [
      {
        text: 'Set the batch size to mage_optimal_batch_size or lower where the learner is configured (environment or ConfigMap), then restart it from its last checkpoint.',
        command: `${learnerEnv}\n${restart}`,
      },
      {
        text: 'If memory grows without a batch change, restart the learner from its last checkpoint and report the leak.',
        command: restart,
      },
    ],
  },
  {
    alert: 'TrainingLossDivergence',
    meaning:
      'The training loss of a Mage learner has stayed more than 1.0 above its value 10 minutes earlier for 5 minutes: training is diverging.',
    impact:
      'The policy gets worse, the workers play with it and generate worse experience, and GPU time is wasted until training resumes from a good checkpoint.',
    diagnosis: [
      { text: 'Read the learner logs for NaN or inf losses, exploding gradient norms or data errors.', command: logs },
      {
        text: 'Look at the loss and its 10-minute change; a jump after a steady phase often follows a learning-rate warm-up or schedule step.',
        query: 'mage_training_loss{app="mage-learner"} - mage_training_loss{app="mage-learner"} offset 10m',
      },
      { text: 'Check the learning rate and schedule the learner runs with.', command: `${learnerEnv} | grep -iE 'lr|learning'` },
      {
        text: 'Check whether the policy got worse too; a falling win rate confirms the divergence is real.',
        query: 'mage_win_rate',
      },
      {
        text: 'Check that the workers still deliver experience; a starved learner overfits its replay buffer.',
        query: 'namespace_app:mage_episodes_completed:rate5m',
      },
    ],
    mitigation: [
      {
        text: 'Lower the learning rate (halve it as a start) and restart the learner from the last checkpoint saved before the divergence.',
        command: restart,
      },
      {
        text: 'If the loss is NaN, stop the learner so it does not overwrite good checkpoints, then restore one.',
        command: 'kubectl scale -n mage deployment/mage-learner --replicas=0',
      },
    ],
  },
  {
    alert: 'CheckpointFailures',
    meaning: 'A Mage learner failed to save a checkpoint within the last 15 minutes.',
    impact: 'Training continues, but a crash now falls back to an older checkpoint; if saves keep failing, CheckpointsStale follows.',
    diagnosis: [
      {
        text: 'Read the error the learner logs when the save fails (no space left, permission denied, S3 access denied).',
        command: `${logs} | grep -iE 'checkpoint'`,
      },
      {
        text: 'See how often saves fail and on which learners.',
        query: 'increase(mage_errors_total{app="mage-learner", type="checkpoint_save"}[1h])',
      },
      {
        text: 'If checkpoints go to a PVC, check that it is Bound and not full.',
        command: 'kubectl get pvc -n mage\nkubectl exec -n mage deployment/mage-learner -- df -h',
      },
      {
        text: 'If checkpoints go to S3, check the learner service account and that the learner can list the bucket (where the image has the AWS CLI).',
        command:
          'kubectl get serviceaccount -n mage -o yaml\nkubectl exec -n mage deployment/mage-learner -- aws s3 ls s3://<bucket>/<prefix>/',
      },
    ],
    mitigation: [
      {
        text: 'If the PVC is full, delete old checkpoints or expand it (its StorageClass must allow expansion).',
        command: `kubectl patch pvc -n mage <pvc> -p '{"spec":{"resources":{"requests":{"storage":"<size>"}}}}'`,
      },
      { text: 'If S3 access is denied, restore the IAM role of the service account, then let the next save run.' },
    ],
  },
  {
    alert: 'CheckpointsStale',
    meaning: 'A Mage learner older than 2 hours has not saved a checkpoint in the last 2 hours.',
    impact: 'A crash or eviction now loses at least 2 hours of training.',
    diagnosis: [
      {
        text: 'Check whether saves are attempted and failing (CheckpointFailures fires too) or not attempted at all.',
        query: 'increase(mage_errors_total{app="mage-learner", type="checkpoint_save"}[2h])',
      },
      {
        text: 'Check whether the learner still trains; no updates means it is stuck and never reaches the next save.',
        query: 'rate(mage_training_updates_total{app="mage-learner"}[5m])',
      },
      { text: 'Read the learner logs around the last save.', command: `${logs} | grep -iE 'checkpoint|save'` },
      { text: 'Check the configured checkpoint interval; it must be shorter than 2 hours.', command: learnerEnv },
    ],
    mitigation: [
      { text: 'If saves fail, follow the CheckpointFailures runbook.' },
      {
        text: 'If the learner is stuck, restart it; the work since the last checkpoint is lost either way, and waiting loses more.',
        command: restart,
      },
      {
        text: 'If the interval is longer than 2 hours, shorten it in the learner configuration and restart.',
        command: `${learnerEnv}\n${restart}`,
      },
    ],
  },
];
