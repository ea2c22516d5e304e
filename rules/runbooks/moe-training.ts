import { ROUTER_CONFIG, TRAINING_CONFIG } from '../../contracts/config-maps';
import type { Runbook } from './types';

const logs = 'kubectl logs -n moe-lab deployment/moe-trainer --tail=200';
const trainerConfig = 'kubectl exec -n moe-lab deployment/moe-trainer -- curl -s localhost:8080/config';

export const moeTrainingRunbooks: readonly Runbook[] = [
  {
    alert: 'MoETrainingLossHigh',
    meaning: 'The training loss of a MoE trainer pod is no lower than it was an hour ago: the run has plateaued or is diverging.',
    impact: 'GPU hours are spent without the model improving; a diverging run may have to be restarted from an older checkpoint.',
    diagnosis: [
      { text: 'Read the trainer logs for NaN/inf losses, gradient overflow warnings or data-loader errors.', command: logs },
      { text: 'Check the configuration the trainer is really running with (learning rate, batch size, schedule).', command: trainerConfig },
      {
        text: 'Look at the loss over the last six hours next to its value an hour earlier.',
        query: 'moe_lab_training_loss{app="moe-trainer"}\n  - moe_lab_training_loss{app="moe-trainer"} offset 1h',
      },
      {
        text: 'Check whether expert load imbalance started at the same time; an unbalanced router often stalls the loss.',
        query: 'moe_lab_expert_utilization_variance{app="moe-trainer"}',
      },
    ],
    mitigation: [
      {
        text: `If the learning-rate schedule has decayed too far or is too aggressive, patch ${TRAINING_CONFIG} and restart the trainer from the last checkpoint.`,
        command: `kubectl edit configmap -n moe-lab ${TRAINING_CONFIG}\nkubectl rollout restart -n moe-lab deployment/moe-trainer`,
      },
      { text: 'If the loss is NaN or exploding, roll back to the last good checkpoint and lower the learning rate.' },
      { text: 'If experts are imbalanced, follow the ExpertLoadImbalance runbook first.' },
    ],
  },
  {
    alert: 'GPUMemoryUsageHigh',
    meaning:
      'A MoE trainer uses more than 95 % of its GPU memory; the next larger batch or activation spike will fail with CUDA out of memory.',
    impact: 'The training step crashes, the pod restarts and the run loses the work since its last checkpoint.',
    diagnosis: [
      { text: 'Read the trainer logs for CUDA OOM errors or allocator warnings.', command: logs },
      { text: 'Check the batch size and whether gradient checkpointing is on.', command: trainerConfig },
      {
        text: 'See which pods and GPUs are affected and for how long.',
        query: 'moe_lab_gpu_memory_utilization{app="moe-trainer"} > 90',
      },
    ],
    mitigation: [
      {
        text: `Reduce batch_size and enable gradient_checkpointing in the ${TRAINING_CONFIG} ConfigMap, then restart the trainer.`,
        command: `kubectl patch configmap -n moe-lab ${TRAINING_CONFIG} --type merge \\\n  -p '{"data":{"batch_size":"16","gradient_checkpointing":"true"}}'\nkubectl rollout restart -n moe-lab deployment/moe-trainer`,
      },
      { text: 'If memory grows steadily step after step, suspect a leak (tensors kept for logging) and restart from the last checkpoint.' },
    ],
  },
  {
    alert: 'ExpertLoadImbalance',
    meaning: 'The variance of the token share across experts is above 0.3: the router sends most tokens to a few experts.',
    impact: 'Overloaded experts drop tokens at capacity and the others learn little, so model quality and throughput both suffer.',
    diagnosis: [
      { text: 'Read the trainer logs for router warnings and dropped-token counts.', command: logs },
      { text: 'Check the router settings in use (load_balance_loss_coef, expert_capacity_factor).', command: trainerConfig },
      {
        text: 'Follow the variance over time; a sudden jump points to a data shift, a slow climb to a too-weak balance loss.',
        query: 'moe_lab_expert_utilization_variance{app="moe-trainer"}',
      },
    ],
    mitigation: [
      {
        text: `Raise load_balance_loss_coef from 0.01 to 0.02 and set expert_capacity_factor to 1.5 in ${ROUTER_CONFIG}, then restart the trainer.`,
        command: `kubectl patch configmap -n moe-lab ${ROUTER_CONFIG} --type merge \\\n  -p '{"data":{"load_balance_loss_coef":"0.02","expert_capacity_factor":"1.5"}}'\nkubectl rollout restart -n moe-lab deployment/moe-trainer`,
      },
      { text: 'If the imbalance follows a change of dataset mix, check the data pipeline before tuning the router.' },
    ],
  },
  {
    alert: 'MoETrainingThroughputLow',
    meaning: 'A MoE trainer processes fewer than 500 tokens per second.',
    impact: 'The run takes longer than planned and costs more GPU hours; a throughput of zero means the job is stuck.',
    diagnosis: [
      { text: 'Read the trainer logs for data-loader stalls, NCCL timeouts or checkpoint writes blocking training.', command: logs },
      {
        text: 'Compare step time and GPU utilization: slow steps with idle GPUs mean input or communication bottlenecks.',
        query: 'moe_lab_training_step_duration{app="moe-trainer"}',
      },
      {
        text: 'Check that every trainer pod is running on a GPU node and none is restarting.',
        command: 'kubectl get pods -n moe-lab -l app=moe-trainer -o wide',
      },
    ],
    mitigation: [
      {
        text: 'Restart a pod stuck in NCCL collective calls; the job resumes from its last checkpoint.',
        command: 'kubectl delete pod -n moe-lab <pod>',
      },
      { text: 'If the data loader is the bottleneck, raise its worker count in training-config and restart the trainer.' },
    ],
  },
  {
    alert: 'MoETrainingStepSlow',
    meaning: 'A training step of a MoE trainer takes longer than 10 seconds.',
    impact: 'Throughput drops; in synchronous data-parallel training one slow rank slows every rank.',
    diagnosis: [
      {
        text: 'Find the slow pod and its node; one slow rank often means one unhealthy GPU or node.',
        query: 'topk(5, moe_lab_training_step_duration{app="moe-trainer"})',
      },
      { text: 'Check the GPU of that node for thermal throttling or XID errors on the GPU dashboard.', query: 'nvidia_gpu_temperature' },
      { text: 'Read the trainer logs for NCCL or checkpointing messages around the slow steps.', command: logs },
    ],
    mitigation: [
      {
        text: 'Cordon a node with an unhealthy GPU and let the job reschedule.',
        command: 'kubectl cordon <node>\nkubectl delete pod -n moe-lab <pod>',
      },
      { text: 'If gradient checkpointing was just enabled, expect ~30 % slower steps; trade it against batch size in training-config.' },
    ],
  },
];
