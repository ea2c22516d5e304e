import type { Runbook } from './types';

const logs = 'kubectl logs -n mage deployment/mage-worker --tail=200';
const pods = 'kubectl get pods -n mage -l app=mage-worker -o wide';

export const mageWorkersRunbooks: readonly Runbook[] = [
  {
    alert: 'LowEpisodeGenerationRate',
    meaning: 'A Mage worker has completed fewer than 0.1 self-play episodes per second for 15 minutes; a rate of 0 means it is stuck.',
    impact: 'The learners get less fresh experience: they train on stale samples or wait, and the run makes less progress per GPU hour.',
    diagnosis: [
      {
        text: 'See whether one worker or all of them are slow; all of them points to the shared policy side or the learners.',
        query: 'rate(mage_episodes_completed_total{app="mage-worker"}[5m])',
      },
      {
        text: 'Read the worker logs for stuck games, exceptions or Java↔Python bridge timeouts.',
        command: 'kubectl logs -n mage <pod> --all-containers --tail=200',
      },
      {
        text: 'Check for bridge failures, which abort episodes (see PythonBridgeErrors).',
        query: 'sum by (pod, type) (rate(mage_errors_total{app="mage-worker", component="python_bridge"}[5m]))',
      },
      {
        text: 'Check JVM memory; a heap close to its maximum spends its time in garbage collection.',
        query: 'mage_jvm_memory_used_bytes{app="mage-worker"}',
      },
      {
        text: 'Check CPU use against the limit; a throttled worker plays slowly.',
        query: 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="mage", pod="<pod>", container!=""}[5m]))',
      },
      { text: 'Check for restarts and OOM kills.', command: `${pods}\nkubectl describe pod -n mage <pod>` },
    ],
    mitigation: [
      {
        text: 'Delete a stuck worker; the deployment replaces it and the other workers carry on.',
        command: 'kubectl delete pod -n mage <pod>',
      },
      {
        text: 'If every worker is slow after a change, roll the workers back.',
        command: 'kubectl rollout undo -n mage deployment/mage-worker\nkubectl rollout status -n mage deployment/mage-worker',
      },
      { text: 'If the workers are CPU-throttled or short of heap, raise their CPU limit or JVM heap in the worker deployment.' },
    ],
  },
  {
    alert: 'PythonBridgeErrors',
    meaning:
      'The Java↔Python bridge of a Mage worker (the Java game engine asking the Python policy for moves) has kept failing for 10 minutes.',
    impact: 'Each failure loses the episode in flight; sustained failures stop the worker producing experience for the learners.',
    diagnosis: [
      {
        text: 'Read both sides of the bridge: the Java stack trace and the Python traceback.',
        command: `kubectl logs -n mage <pod> --all-containers --tail=500 | grep -iE 'bridge|python|traceback|exception'`,
      },
      {
        text: 'See which failure types dominate and whether all workers fail; all of them after a rollout suggests mismatched Java and Python versions.',
        query: 'sum by (pod, type) (increase(mage_errors_total{app="mage-worker", component="python_bridge"}[15m]))',
      },
      { text: 'Check whether the Python side was OOM-killed or restarted.', command: `${pods}\nkubectl describe pod -n mage <pod>` },
      { text: 'Check which image versions the workers run.', command: 'kubectl rollout history -n mage deployment/mage-worker' },
    ],
    mitigation: [
      { text: 'If one worker fails, delete it so it starts with a fresh bridge.', command: 'kubectl delete pod -n mage <pod>' },
      {
        text: 'If the failures began with a rollout, roll it back.',
        command: 'kubectl rollout undo -n mage deployment/mage-worker\nkubectl rollout status -n mage deployment/mage-worker',
      },
      {
        text: 'If the Python side is OOM-killed, raise the worker memory limit, then restart the workers.',
        command: `kubectl rollout restart -n mage deployment/mage-worker\n${logs}`,
      },
    ],
  },
];
