import { LOG_PATTERNS, logMetricName, type LogPatternId } from '../log-patterns';
import { LOGS } from '../thresholds';
import { ns } from './meta/commands';
import { INFERENCE_CONFIG, ROUTER_CONFIG, TRAINING_CONFIG } from '../../contracts/config-maps';
import type { Runbook, RunbookStep } from './types';

/**
 * A LogQL query to run in Grafana Explore with the Loki data source. RunbookStep has no LogQL field,
 * so the query goes into the text as its own fenced block, indented to stay inside the list item.
 */
const logql = (text: string, query: string): RunbookStep => ({
  text: `${text}\n\n   \`\`\`logql\n${query
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n')}\n   \`\`\``,
});

/** The pattern's regex as a LogQL line filter; backticks keep its backslashes as they are. */
const filter = (id: LogPatternId) => `|~ \`${LOG_PATTERNS[id].regex}\``;
const podLines = (id: LogPatternId) => `{namespace="<namespace>", pod="<pod>", container="<container>"} ${filter(id)}`;
/** Matching lines per pod of the app over time: who else has them, and since when. */
const perPod = (id: LogPatternId) => `sum by (pod) (count_over_time({namespace="<namespace>", app="<app>"} ${filter(id)} [5m]))`;
/** The counter Fluent Bit keeps per container, since it started: which pods are affected at all. */
const counter = (id: LogPatternId) => `sum by (namespace, pod, container) (${logMetricName(id)}{job="fluent-bit"})`;

const linesStep = (id: LogPatternId, what: string) =>
  logql(
    `In Grafana Explore (Loki data source), read the matching lines, and with Show context the lines before them: ${what}`,
    podLines(id),
  );
const podsStep: RunbookStep = {
  text: 'Check whether the pod restarted (and why) and on which node it runs.',
  command: 'kubectl get pods -n <namespace> -l app=<app> -o wide\nkubectl describe pod -n <namespace> <pod> | grep -A5 "Last State"',
};

export const logRunbooks: readonly Runbook[] = [
  {
    alert: LOG_PATTERNS.lossNotFinite.alert,
    meaning:
      'A MoE trainer logged a loss of NaN or ±inf. Once the loss is not finite the weights usually are too: the run has diverged and does not recover by itself.',
    impact:
      'Every further step burns the job’s GPUs without progress, and checkpoints saved from now on hold broken weights that would poison a resume.',
    diagnosis: [
      linesStep('lossNotFinite', 'the gradient norm, learning rate and loss scale logged before the first NaN.'),
      {
        text: 'See whether the loss climbed before it broke (learning rate too high) or jumped at once (a bad batch, an fp16 overflow).',
        query: 'moe_lab_training_loss{app="moe-trainer", pod="<pod>"}',
      },
      {
        text: 'Check the learning rate, warm-up and gradient clipping the trainer runs with.',
        command: 'kubectl exec -n moe-lab deployment/moe-trainer -- curl -s localhost:8080/config',
      },
      {
        text: 'Find the last checkpoint saved before the first NaN line.',
        command: `kubectl logs -n moe-lab <pod> -c <container> --since=2h | grep -inE 'checkpoint|nan'`,
      },
    ],
    mitigation: [
      {
        text: 'Stop the run, so it stops spending GPUs and writing broken checkpoints.',
        command: 'kubectl scale -n moe-lab deployment/moe-trainer --replicas=0',
      },
      {
        text: `Lower the learning rate or enable gradient clipping in ${TRAINING_CONFIG}, then resume from the last checkpoint saved before the first NaN.`,
        command: `kubectl edit configmap -n moe-lab ${TRAINING_CONFIG}\nkubectl scale -n moe-lab deployment/moe-trainer --replicas=<replicas>`,
      },
    ],
  },
  {
    alert: LOG_PATTERNS.expertRouting.alert,
    meaning: `A MoE pod has kept logging expert capacity overflows or failed routing decisions, in every ${LOGS.recurringWindow} window for 15 minutes.`,
    impact:
      'Tokens over an expert’s capacity are dropped or re-routed, so the model learns from (or serves) less than it is given; a failed routing decision fails its step or request.',
    diagnosis: [
      linesStep('expertRouting', 'which experts and layers overflow, and how many tokens they drop.'),
      {
        text: 'Compare with the overflow the pods report as metrics; a rising share means the router is getting less balanced.',
        query: 'namespace_app:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m',
      },
      { text: 'Check the router settings in use.', command: `kubectl get configmap -n moe-lab ${ROUTER_CONFIG} -o yaml` },
    ],
    mitigation: [
      {
        text: `Raise expert_capacity_factor (and load_balance_loss_coef for trainers) in ${ROUTER_CONFIG}, then restart; see the ExpertLoadImbalance runbook.`,
        command: `kubectl edit configmap -n moe-lab ${ROUTER_CONFIG}\nkubectl rollout restart -n moe-lab deployment/<app>`,
      },
    ],
  },
  {
    alert: LOG_PATTERNS.gpuOutOfMemory.alert,
    meaning:
      'A pod logged CUDA out of memory: PyTorch’s “CUDA out of memory. Tried to allocate …”, torch.OutOfMemoryError or an OOM message.',
    impact:
      'The step or request that hit it failed. A trainer that does not catch it crashes and restarts from its last checkpoint; an inference server fails the batch.',
    diagnosis: [
      linesStep(
        'gpuOutOfMemory',
        'how much it tried to allocate, how much was free, and how much PyTorch had reserved but not allocated (fragmentation).',
      ),
      {
        text: 'See how full the pod’s GPUs were; memory close to full before the OOM means the batch is too large.',
        query: 'max by (gpu) (DCGM_FI_DEV_FB_USED{pod="<pod>"} / (DCGM_FI_DEV_FB_USED{pod="<pod>"} + DCGM_FI_DEV_FB_FREE{pod="<pod>"}))',
      },
      { text: 'See which other pods have hit it since their node’s Fluent Bit started.', query: counter('gpuOutOfMemory') },
      podsStep,
    ],
    mitigation: [
      {
        text: `For a trainer, reduce batch_size or enable gradient_checkpointing in ${TRAINING_CONFIG}, then restart it.`,
        command: `kubectl edit configmap -n moe-lab ${TRAINING_CONFIG}\nkubectl rollout restart -n moe-lab deployment/moe-trainer`,
      },
      {
        text: `For inference, lower the batch size or the expert cache size in ${INFERENCE_CONFIG}; with much memory reserved but unallocated, set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True.`,
        command: `kubectl edit configmap -n moe-lab ${INFERENCE_CONFIG}\nkubectl rollout restart -n moe-lab deployment/moe-inference`,
      },
    ],
  },
  {
    alert: LOG_PATTERNS.ncclError.alert,
    meaning: 'A pod logged an NCCL fault: an `NCCL WARN` or NCCL error, or the PyTorch watchdog reporting a collective operation timeout.',
    impact:
      'One failed rank stalls every rank of the distributed job, each holding its GPUs, until the watchdog aborts the job; it then restarts from its last checkpoint.',
    diagnosis: [
      linesStep('ncclError', 'the first `NCCL WARN` names the operation and the peer it lost.'),
      logql('Compare the ranks of the job: the pod that warned first, or alone, is usually the faulty one.', perPod('ncclError')),
      {
        text: 'Check the GPUs of that pod’s node for XID errors (79: fallen off the bus, 74: NVLink error).',
        query: 'DCGM_FI_DEV_XID_ERRORS{node="<node>"} > 0',
      },
      podsStep,
    ],
    mitigation: [
      {
        text: 'If one node keeps appearing, cordon it and delete its pod, so the job restarts elsewhere.',
        command: 'kubectl cordon <node>\nkubectl delete pod -n <namespace> <pod>',
      },
      {
        text: 'If the cause is unclear, have NCCL log its transports and topology on the next run.',
        command: 'kubectl set env -n <namespace> deployment/<app> NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET',
      },
    ],
  },
  {
    alert: LOG_PATTERNS.bridgeError.alert,
    meaning: `A Mage worker has kept logging Py4J errors or Java↔Python bridge failures, in every ${LOGS.recurringWindow} window for 10 minutes.`,
    impact:
      'Each failure loses the episode in flight; sustained failures stop the worker producing experience. PythonBridgeErrors, on the worker’s own counter, usually fires as well.',
    diagnosis: [
      linesStep('bridgeError', 'the Java stack trace and the Python traceback on either side of the failure.'),
      {
        text: 'Compare with the failures the worker counts itself, per type.',
        query: 'sum by (pod, type) (increase(mage_errors_total{app="mage-worker", component="python_bridge"}[15m]))',
      },
      podsStep,
    ],
    mitigation: [
      { text: 'If one worker fails, delete it so it starts with a fresh bridge.', command: 'kubectl delete pod -n mage <pod>' },
      {
        text: 'If the failures began with a rollout, roll it back.',
        command: 'kubectl rollout undo -n mage deployment/mage-worker\nkubectl rollout status -n mage deployment/mage-worker',
      },
    ],
  },
  {
    alert: LOG_PATTERNS.checkpointFailure.alert,
    meaning: 'A pod logged a failed checkpoint save or load.',
    impact:
      'After a failed save the last good checkpoint grows older, so a crash loses more; after a failed load the job started from an older checkpoint or from scratch.',
    diagnosis: [
      linesStep('checkpointFailure', 'the path and the error (no space left, permission denied, S3 access denied, a corrupt file).'),
      {
        text: 'If checkpoints go to a PersistentVolumeClaim, check that it is Bound and not full.',
        command: 'kubectl get pvc -n <namespace>\nkubectl exec -n <namespace> <pod> -c <container> -- df -h',
      },
      {
        text: 'If they go to S3, check that the pod’s ServiceAccount carries its IAM role.',
        command:
          "kubectl get serviceaccount -n <namespace> -o custom-columns='NAME:.metadata.name,ROLE:.metadata.annotations.eks\\.amazonaws\\.com/role-arn'",
      },
      {
        text: 'For Mage learners, compare with the saves they count themselves.',
        query: 'increase(mage_checkpoints_saved_total{pod="<pod>"}[1h])',
      },
      { text: 'See which other pods fail to checkpoint; all of them point at the shared storage.', query: counter('checkpointFailure') },
    ],
    mitigation: [
      {
        text: 'If the volume is full, delete old checkpoints or expand it (its StorageClass must allow expansion).',
        command: `kubectl patch pvc -n <namespace> <pvc> -p '{"spec":{"resources":{"requests":{"storage":"<size>"}}}}'`,
      },
      { text: 'If S3 access is denied, restore the IAM role of the ServiceAccount, then let the next save run.' },
    ],
  },
  {
    alert: LOG_PATTERNS.errorLine.alert,
    meaning: `The pods of one app have together logged more than ${LOGS.maxErrorLinesPerSecond} ERROR line(s) per second (over ${LOGS.errorRateWindow}) for 15 minutes.`,
    impact:
      'Something fails over and over, possibly something no specific alert watches; the volume also eats into Loki’s ingestion limits.',
    diagnosis: [
      {
        text: 'Find the pods that log most of them.',
        query: `topk(5, sum by (pod) (rate(${logMetricName('errorLine')}{job="fluent-bit", namespace="<namespace>", app="<app>"}[5m])))`,
      },
      logql(
        'Read the ERROR lines of the app, newest first, and look for the message that repeats.',
        `{namespace="<namespace>", app="<app>"} ${filter('errorLine')}`,
      ),
      { text: 'Check whether they started with a rollout.', command: 'kubectl rollout history -n <namespace> deployment/<app>' },
    ],
    mitigation: [
      {
        text: 'If they began with a rollout, roll it back.',
        command: 'kubectl rollout undo -n <namespace> deployment/<app>\nkubectl rollout status -n <namespace> deployment/<app>',
      },
      { text: 'If one pod logs them, delete it.', command: 'kubectl delete pod -n <namespace> <pod>' },
      { text: 'If the lines are not errors at all, fix their level in the application rather than raising the threshold.' },
    ],
  },
  {
    alert: 'FluentBitDroppingLogs',
    meaning:
      'A Fluent Bit pod dropped records bound for an output: Loki refused them with an error that is not retried (a 400: a line too long, an entry too old or out of order), or their chunk ran out of retries where the output has a retry limit.',
    impact:
      'The dropped lines are lost: they cannot be searched in Loki. The log-derived counters are counted before the output, so their alerts still work.',
    diagnosis: [
      {
        text: 'Read the error Fluent Bit logged for the chunk; it names the HTTP status and Loki’s reason.',
        command: `${ns} logs <pod> --tail=200 | grep -iE 'loki|retr|error'`,
      },
      {
        text: 'Read Loki’s side of it.',
        command: `${ns} logs -l app.kubernetes.io/name=loki --tail=200 | grep -iE 'too far behind|line too long|out of order|too old|discard'`,
      },
      {
        text: 'See whether one node drops or all do, and how many records.',
        query: 'sum by (node, name) (increase(fluentbit_output_dropped_records_total{job="fluent-bit"}[1h]))',
      },
    ],
    mitigation: [
      {
        text: 'If lines are too long, raise logging.loki.limits.maxLineSizeKb in config/environments/<env>.ts and re-apply, or have the application log less per line.',
      },
      {
        text: 'If entries are too old after a long Loki outage, the backlog beyond Loki’s maximum age is refused once; if FluentBitOutputRetrying fires too, follow it.',
      },
    ],
  },
  {
    alert: 'FluentBitOutputRetrying',
    meaning: `A Fluent Bit pod has failed to deliver to an output (Loki) in every ${LOGS.outputRetryWindow} window for ${LOGS.outputRetryingFor}: Loki is down, unreachable from that node, overloaded or rate limiting (429). It retries without limit and keeps the backlog in its disk buffer.`,
    impact:
      'Lines from that node reach Loki late. Once the disk buffer (logging.fluentBit.filesystemBufferLimit) is full its oldest chunks are deleted, a loss no metric counts. The log-derived alerts still work.',
    diagnosis: [
      {
        text: 'See whether every node retries (Loki itself: see LokiDown) or one node does (its path to Loki: DNS, NetworkPolicy).',
        query: 'sum by (node, name) (rate(fluentbit_output_retries_total{job="fluent-bit"}[5m]))',
      },
      {
        text: 'Read why delivery fails: 429 is Loki’s rate limit, 5xx or timeouts an overloaded Loki, a connection error the network path.',
        command: `${ns} logs <pod> --tail=200 | grep -iE 'loki|retr|error'`,
      },
      {
        text: 'See how much is buffered on the node, from Fluent Bit’s storage API.',
        command: `${ns} port-forward <pod> 2020:2020 &\ncurl -s localhost:2020/api/v1/storage | jq .storage_layer`,
      },
    ],
    mitigation: [
      { text: 'If Loki is down or not ready, follow LokiDown; the backlog drains once it is back.' },
      logql(
        'If Loki rate limits, find the pods that flood it; fix their logging, or raise logging.loki.limits in config/environments/<env>.ts and re-apply.',
        'topk(5, sum by (namespace, pod) (bytes_over_time({job=~".+"}[5m])))',
      ),
      {
        text: 'If only one node fails, check that the NetworkPolicies let Fluent Bit reach Loki, then restart that pod; it resumes from its buffer and file offsets.',
        command: `${ns} get networkpolicy\n${ns} delete pod <pod>`,
      },
    ],
  },
];
