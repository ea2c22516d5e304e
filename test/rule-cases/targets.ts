// Target labels of the pods the test series come from, as the scrape jobs set them.

export type Labels = Readonly<Record<string, string>>;

/** `metric{a="1", b="2"}` from a metric name and labels. */
export const series = (metric: string, labels: Labels = {}): string =>
  `${metric}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ')}}`;

const pod = (namespace: string, app: string, name: string, node: string): Labels => ({
  job: 'kubernetes-pods',
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
