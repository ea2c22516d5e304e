// Target labels of the pods the test series come from, as the scrape jobs set them.

export type Labels = Readonly<Record<string, string>>;

/** `metric{a="1", b="2"}` from a metric name and labels. */
export const series = (metric: string, labels: Labels = {}): string =>
  `${metric}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ')}}`;

/** An annotated workload pod: the annotated-pods job names its target's job after the app. */
const pod = (namespace: string, app: string, name: string, node: string): Labels => ({
  job: app,
  instance: '10.0.1.5:9090',
  namespace,
  app,
  pod: name,
  container: app,
  node,
});

export const TRAINER = pod('moe-lab', 'moe-trainer', 'moe-trainer-0', 'gpu-node-1');
export const INFERENCE = pod('moe-lab', 'moe-inference', 'moe-inference-7d9f', 'gpu-node-2');
export const MAGE_WORKER = pod('mage', 'mage-worker', 'mage-worker-3', 'cpu-node-1');
export const MAGE_LEARNER = pod('mage', 'mage-learner', 'mage-learner-0', 'gpu-node-3');

/**
 * A kube-state-metrics replica. Its series are scraped with honor_labels: namespace, pod, container
 * (and node, where kube-state-metrics sets one) name the object described; the target's own labels
 * fill in the rest, so a series without a node of its own gets the node the replica runs on.
 */
const ksmReplica = (ip: string, pod: string, node: string): Labels => ({
  job: 'kube-state-metrics',
  instance: `${ip}:8080`,
  service: 'kube-state-metrics',
  namespace: 'monitoring',
  pod,
  container: 'kube-state-metrics',
  node,
  app: 'kube-state-metrics',
});
/** Two replicas, as kube-state-metrics runs in HA: rules must count each object once. */
export const KSM = ksmReplica('10.0.2.7', 'kube-state-metrics-6d9c8-abcde', 'cpu-node-2');
export const KSM_2 = ksmReplica('10.0.2.8', 'kube-state-metrics-6d9c8-fghij', 'cpu-node-3');
