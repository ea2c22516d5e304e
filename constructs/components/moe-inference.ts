import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import type { MoeInferenceSettings } from '../../config/schema/workloads';
import { INFERENCE_CONFIG, ROUTER_CONFIG } from '../../contracts/config-maps';
import { ML_VOLUMES } from './ml-storage';
import { MlWorkload, type TracingProps } from './ml-workload';
import { spreadPods } from '../k8s/ml-workload-patches';

/** The inference server's own settings; the ConfigMap itself is made by the ML config construct. */

export interface MoeInferenceProps {
  /** The MoE lab namespace (`namespaces.moeLab`). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly settings: MoeInferenceSettings;
  readonly gpuNodes: GpuNodeSettings;
  /** Content of `inference-config` and `router-config`; a change rolls the pods. */
  readonly configChecksumOf: string;
  /** PriorityClass that keeps serving ahead of training on the GPUs. */
  readonly priorityClassName: string;
  /**
   * Where the OpenTelemetry SDK sends spans (Jaeger's collector) and the ratio it samples at.
   * @default - no tracing environment
   */
  readonly tracing?: TracingProps;
  /**
   * Port of the API (`/health`) and `/metrics`.
   * @default 8000
   */
  readonly port?: number;
  /**
   * PVC of the trained models, mounted read-only at /storage/models (where the trainer writes them).
   * @default 'moe-models'
   */
  readonly modelsClaim?: string;
}

/** `deployment/moe-inference` on GPU nodes, autoscaled, spread over nodes and zones, behind the `inference` Service. */
export class MoeInference extends Construct {
  public readonly port: number;
  public readonly serviceName = 'inference';
  public readonly workload: MlWorkload;

  constructor(scope: Construct, id: string, props: MoeInferenceProps) {
    super(scope, id);
    const { min, max } = props.settings.replicas;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || min > max) {
      throw new Error(`MoeInference settings.replicas: got min ${min}, max ${max}; must be whole numbers with 1 <= min <= max`);
    }
    this.port = props.port ?? 8000;
    const http = { name: 'http', number: this.port };
    this.workload = new MlWorkload(this, 'Workload', {
      namespace: props.namespace,
      instance: props.instance,
      app: 'moe-inference',
      component: 'inference',
      image: props.settings.image,
      resources: props.settings.resources,
      gpuNodes: props.gpuNodes,
      gpus: props.settings.gpus,
      // No fixed count: the autoscaler owns it, and a fixed one would reset it on every apply.
      port: http,
      healthPath: '/health',
      configMaps: [ROUTER_CONFIG],
      // Its nested settings have dotted keys (expert_cache.size_gb): files, not environment variables.
      fileConfigMaps: [INFERENCE_CONFIG],
      configChecksumOf: props.configChecksumOf,
      priorityClassName: props.priorityClassName,
      tracing: props.tracing,
    });
    // One node or zone going away must not take every replica with it. A pending replica on a full
    // GPU fleet is worse than two in one zone, so only the per-node spread is a hard rule.
    spreadPods(this.workload.deployment, this.workload.deployment.matchLabels, [
      { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
      { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
    ]);
    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: this.workload.metadata('moe-inference'),
      target: this.workload.deployment,
      minReplicas: min,
      maxReplicas: max,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.settings.targetCpuUtilization))],
    });
    // The server loads the model the trainer wrote (moe_lab_model_load_time times it); it never writes there.
    this.workload.mountClaim('models', props.modelsClaim ?? ML_VOLUMES.models.claimName, ML_VOLUMES.models.mountPath, { readOnly: true });
    this.workload.addService(this.serviceName, http);
  }
}
