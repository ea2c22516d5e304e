import { Construct } from 'constructs';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import type { MageLearnerSettings } from '../../config/schema/workloads';
import { MlWorkload } from './ml-workload';

export interface MageLearnerProps {
  /** The Mage namespace (`namespaces.mage`). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly settings: MageLearnerSettings;
  readonly gpuNodes: GpuNodeSettings;
  /**
   * Port of `/metrics`.
   * @default 9090
   */
  readonly metricsPort?: number;
}

/** `mage-learner` pods on GPU nodes, training on the workers' self-play samples. */
export class MageLearner extends Construct {
  public readonly metricsPort: number;
  public readonly workload: MlWorkload;

  constructor(scope: Construct, id: string, props: MageLearnerProps) {
    super(scope, id);
    this.metricsPort = props.metricsPort ?? 9090;
    this.workload = new MlWorkload(this, 'Workload', {
      namespace: props.namespace,
      instance: props.instance,
      app: 'mage-learner',
      component: 'learner',
      image: props.settings.image,
      resources: props.settings.resources,
      gpuNodes: props.gpuNodes,
      gpus: props.settings.gpus,
      replicas: props.settings.replicas,
      port: { name: 'metrics', number: this.metricsPort },
      env: { MAX_SAMPLES_PER_BATCH: String(props.settings.maxSamplesPerBatch) },
    });
  }
}
