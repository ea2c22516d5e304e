import { Construct } from 'constructs';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import type { MageWorkerSettings } from '../../config/schema/workloads';
import { MlWorkload } from './ml-workload';

export interface MageWorkerProps {
  /** The Mage namespace (`namespaces.mage`). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly settings: MageWorkerSettings;
  readonly gpuNodes: GpuNodeSettings;
  /**
   * Port of `/metrics`.
   * @default 9090
   */
  readonly metricsPort?: number;
}

/** `mage-worker` self-play pods on CPU nodes; they serve only metrics, so they need no Service. */
export class MageWorker extends Construct {
  public readonly metricsPort: number;
  public readonly workload: MlWorkload;

  constructor(scope: Construct, id: string, props: MageWorkerProps) {
    super(scope, id);
    this.metricsPort = props.metricsPort ?? 9090;
    this.workload = new MlWorkload(this, 'Workload', {
      namespace: props.namespace,
      instance: props.instance,
      app: 'mage-worker',
      component: 'self-play',
      image: props.settings.image,
      resources: props.settings.resources,
      // Game simulation is CPU work; GPU nodes are kept for the learners.
      gpuNodes: props.gpuNodes,
      replicas: props.settings.replicas,
      port: { name: 'metrics', number: this.metricsPort },
      env: { NUM_GAME_RUNNERS: String(props.settings.numGameRunners) },
      // Workers are interchangeable; a drain may take a quarter of them at once.
      maxUnavailable: Math.max(1, Math.floor(props.settings.replicas / 4)),
    });
  }
}
