import { ROUTER_CONFIG } from '../../contracts/config-maps';
import type { Runbook } from './types';

const logs = 'kubectl logs -n moe-lab deployment/moe-inference --tail=200';
const podLogs = 'kubectl logs -n moe-lab <pod> --tail=200';
const pods = 'kubectl get pods -n moe-lab -l app=moe-inference -o wide';
const routerConfig = `kubectl get configmap -n moe-lab ${ROUTER_CONFIG} -o yaml`;
const scale = 'kubectl get deployment -n moe-lab moe-inference\nkubectl scale -n moe-lab deployment/moe-inference --replicas=N';
const restart = 'kubectl rollout restart -n moe-lab deployment/moe-inference\nkubectl rollout status -n moe-lab deployment/moe-inference';

export const moeInferenceRunbooks: readonly Runbook[] = [
  {
    alert: 'InferenceLatencyHigh',
    meaning: 'The p99 latency of an inference pod has been above 1 second for 5 minutes.',
    impact: 'At least one request in a hundred waits more than a second; clients that time out retry and add load.',
    diagnosis: [
      { text: 'Read the inference logs for expert cache evictions, CUDA out-of-memory errors or a growing request queue.', command: logs },
      {
        text: 'See whether one pod or all of them are slow: one slow pod points to its node or GPU, all of them to load or the model.',
        query: 'moe_lab_inference_latency_p99{app="moe-inference"}',
      },
      {
        text: 'Compare with the traffic per pod; latency that rises with requests means the pods are saturated.',
        query: 'moe_lab_inference_requests_per_second{app="moe-inference"}',
      },
      {
        text: 'Check the expert cache hit rate; below 80 % experts are loaded on the request path and latency follows.',
        query: 'moe_lab_expert_cache_hit_rate{app="moe-inference"}',
      },
      {
        text: `Check ${ROUTER_CONFIG} for a recent change (more experts per token, a larger capacity factor) that adds work to every request.`,
        command: routerConfig,
      },
    ],
    mitigation: [
      {
        text: 'If the pods are saturated, scale moe-inference out (N = current replicas plus about half); if an autoscaler owns the deployment, raise its maximum instead.',
        command: scale,
      },
      {
        text: 'If the cache hit rate is low and the GPUs have free memory, increase the expert cache size in the inference configuration so more experts stay resident, then restart.',
        command: restart,
      },
      {
        text: 'If GPU memory is the limit, serve the experts with int8 quantization: about half the memory per expert, so more fit in the cache. Check accuracy on the evaluation set before rolling it out.',
      },
      { text: `If a ${ROUTER_CONFIG} change started it, restore the previous values and restart moe-inference.`, command: restart },
    ],
  },
  {
    alert: 'InferenceErrorRateHigh',
    meaning: 'More than 5 % of the requests an inference pod receives have failed for 5 minutes.',
    impact: 'Users get errors instead of answers; this pages because every failed request is seen by a user.',
    diagnosis: [
      {
        text: 'Read the logs of the failing pod for exceptions, CUDA errors, timeouts or out-of-memory messages.',
        command: `${podLogs} | grep -iE 'error|exception|timeout|out of memory'`,
      },
      { text: 'See which pods fail and how much.', query: 'moe_lab_inference_error_rate{app="moe-inference"}' },
      {
        text: "See the share of all requests to the service that fail; close to the pod's own rate means every pod fails.",
        query: 'namespace_app:moe_lab_inference_error_rate:ratio',
      },
      { text: 'Check for restarts, OOM kills and unready pods.', command: `${pods}\nkubectl describe pod -n moe-lab <pod>` },
      { text: 'Check whether a rollout started it.', command: 'kubectl rollout history -n moe-lab deployment/moe-inference' },
    ],
    mitigation: [
      { text: 'If a single pod fails, delete it; the deployment replaces it.', command: 'kubectl delete pod -n moe-lab <pod>' },
      {
        text: 'If the errors began with a rollout, roll it back.',
        command: 'kubectl rollout undo -n moe-lab deployment/moe-inference\nkubectl rollout status -n moe-lab deployment/moe-inference',
      },
      { text: 'If the errors are timeouts or out-of-memory under load, scale moe-inference out.', command: scale },
    ],
  },
  {
    alert: 'InferenceRequestRateLow',
    meaning:
      'An inference pod has served fewer than 10 requests per second for 15 minutes: traffic is low, or the pod is cut off from it (not Ready, out of the Service endpoints, upstream broken).',
    impact:
      'If the pod is cut off, the other replicas carry its share and capacity is lower than it looks; if all pods are low, users may not reach the service.',
    diagnosis: [
      {
        text: 'Compare the pod with the others; one low pod is a pod problem, all of them low is upstream or quiet hours.',
        query: 'moe_lab_inference_requests_per_second{app="moe-inference"}',
      },
      {
        text: 'Compare the total with the same time last week.',
        query:
          'namespace_app:moe_lab_inference_requests_per_second:sum\n  / namespace_app:moe_lab_inference_requests_per_second:sum offset 1w',
      },
      {
        text: 'Check that the pod is Ready and listed in the Service endpoints.',
        command: `${pods}\nkubectl get endpointslices -n moe-lab -l kubernetes.io/service-name=moe-inference -o wide`,
      },
      { text: 'Read the pod logs for readiness-probe failures or a stalled request loop.', command: podLogs },
    ],
    mitigation: [
      { text: 'If one pod is unready or stuck, delete it so the deployment replaces it.', command: 'kubectl delete pod -n moe-lab <pod>' },
      { text: 'If every pod is low, check the ingress and the clients in front of moe-inference before touching the pods.' },
      { text: 'If traffic is simply low at this hour, scale down to save GPUs rather than silencing the alert.', command: scale },
    ],
  },
  {
    alert: 'ExpertCacheHitRateLow',
    meaning: 'Fewer than 80 % of the expert lookups of an inference pod have hit its GPU expert cache for 15 minutes.',
    impact: 'Missed experts are loaded from host memory or disk on the request path, so latency rises (see InferenceLatencyHigh).',
    diagnosis: [
      {
        text: 'Follow the hit rate per pod and for the service; a sudden drop points to a traffic or routing change, a slow one to a cache that is too small.',
        query: 'moe_lab_expert_cache_hit_rate{app="moe-inference"}',
      },
      { text: 'Read the logs for cache evictions and expert load times.', command: logs },
      { text: `Check ${ROUTER_CONFIG}: routing to more experts per token touches more of them.`, command: routerConfig },
      {
        text: "Check the free GPU memory on the pod's node (MiB per GPU) before growing the cache.",
        query: 'DCGM_FI_DEV_FB_FREE{node="<node>"}',
      },
    ],
    mitigation: [
      {
        text: 'If the GPUs have free memory, increase the expert cache size in the inference configuration, then restart.',
        command: restart,
      },
      { text: 'If they do not, serve the experts with int8 quantization so about twice as many fit in the same memory.' },
    ],
  },
  {
    alert: 'ModelLoadTimeHigh',
    meaning: 'An inference pod took longer than 30 seconds to load the model when it started.',
    impact:
      'Every restart and every scale-out takes at least that long before the new pod serves, so recovering from load spikes and failures is slow.',
    diagnosis: [
      {
        text: 'See which pods load slowly; all of them points to the model storage, one to its node.',
        query: 'moe_lab_model_load_time{app="moe-inference"}',
      },
      {
        text: 'Read the start of the pod log for the time spent downloading and loading weights.',
        command: 'kubectl logs -n moe-lab <pod> | head -100',
      },
      { text: 'Check the pod events for slow image pulls or volume attachment.', command: 'kubectl describe pod -n moe-lab <pod>' },
    ],
    mitigation: [
      { text: 'Stage the weights on a faster volume (local NVMe or a pre-populated PVC) instead of downloading them at start.' },
      { text: 'Until loading is faster, keep a spare replica so scale-out does not wait for a load.', command: scale },
    ],
  },
];
