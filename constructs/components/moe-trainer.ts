import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import type { MoeTrainerSettings } from '../../config/schema/workloads';
import { ROUTER_CONFIG, TRAINING_CONFIG } from '../../contracts/config-maps';
import { MlWorkload, type TracingProps } from './ml-workload';

/** Where the trainer's three volumes are mounted, as the seed lays them out. */
export const TRAINER_STORAGE = {
  models: '/storage/models',
  checkpoints: '/storage/checkpoints',
  data: '/storage/data',
} as const;

export interface MoeTrainerProps {
  /** The MoE lab namespace (`namespaces.moeLab`). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly settings: MoeTrainerSettings;
  readonly gpuNodes: GpuNodeSettings;
  /** Content of `training-config` and `router-config`; a change rolls the trainer. */
  readonly configChecksumOf: string;
  /** PriorityClass that lets training preempt lower-priority GPU pods. */
  readonly priorityClassName: string;
  /**
   * PVC names (created elsewhere) mounted under /storage.
   * @default { models: 'moe-models', checkpoints: 'moe-checkpoints', data: 'moe-data' }
   */
  readonly claims?: { readonly models?: string; readonly checkpoints?: string; readonly data?: string };
  /**
   * Where the OpenTelemetry SDK sends spans (Jaeger's collector) and the ratio it samples at.
   * @default - no tracing environment
   */
  readonly tracing?: TracingProps;
  /**
   * Port of the API (`/health`, `/config`) and `/metrics`.
   * @default 8080
   */
  readonly port?: number;
}

/** `deployment/moe-trainer` on GPU nodes, with its data volumes and the `trainer` Service. */
export class MoeTrainer extends Construct {
  public readonly port: number;
  public readonly serviceName = 'trainer';
  public readonly workload: MlWorkload;

  constructor(scope: Construct, id: string, props: MoeTrainerProps) {
    super(scope, id);
    this.port = props.port ?? 8080;
    const http = { name: 'http', number: this.port };
    this.workload = new MlWorkload(this, 'Workload', {
      namespace: props.namespace,
      instance: props.instance,
      app: 'moe-trainer',
      component: 'training',
      image: props.settings.image,
      resources: props.settings.resources,
      gpuNodes: props.gpuNodes,
      gpus: props.settings.gpus,
      // One trainer owns the run: a second pod would compete for the GPUs and write the same checkpoints.
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      maxUnavailable: props.settings.maxUnavailable,
      port: http,
      healthPath: '/health',
      // Restoring a large checkpoint onto the GPUs can take a long time.
      startupTimeout: Duration.minutes(30),
      // Stopping (preemption, a config change, a drain) lets it write a checkpoint first.
      terminationGracePeriod: Duration.minutes(10),
      configMaps: [TRAINING_CONFIG, ROUTER_CONFIG],
      configChecksumOf: props.configChecksumOf,
      env: { CHECKPOINT_PATH: TRAINER_STORAGE.checkpoints },
      priorityClassName: props.priorityClassName,
      tracing: props.tracing,
    });
    const claims = {
      models: props.claims?.models ?? 'moe-models',
      checkpoints: props.claims?.checkpoints ?? 'moe-checkpoints',
      data: props.claims?.data ?? 'moe-data',
    };
    for (const volume of ['models', 'checkpoints', 'data'] as const) {
      this.workload.mountClaim(volume, claims[volume], TRAINER_STORAGE[volume]);
    }
    this.workload.addService(this.serviceName, http);
  }
}
