import { Construct } from 'constructs';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import type { DashboardSettings } from '../../config/schema/workloads';
import { MlWorkload } from './ml-workload';

export interface MoeDashboardProps {
  /** The MoE lab namespace (`namespaces.moeLab`). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly settings: DashboardSettings;
  readonly gpuNodes: GpuNodeSettings;
  /**
   * Port of the web UI and `/health`.
   * @default 8080
   */
  readonly port?: number;
}

/** The MoE lab's `dashboard` web UI on CPU nodes, behind the `dashboard` Service. */
export class MoeDashboard extends Construct {
  public readonly port: number;
  public readonly serviceName = 'dashboard';
  public readonly workload: MlWorkload;

  constructor(scope: Construct, id: string, props: MoeDashboardProps) {
    super(scope, id);
    this.port = props.port ?? 8080;
    const http = { name: 'http', number: this.port };
    this.workload = new MlWorkload(this, 'Workload', {
      namespace: props.namespace,
      instance: props.instance,
      app: 'dashboard',
      component: 'dashboard',
      image: props.settings.image,
      resources: props.settings.resources,
      gpuNodes: props.gpuNodes,
      replicas: props.settings.replicas,
      port: http,
      healthPath: '/health',
      // The seed's dashboard serves no /metrics; scraping it would only raise a target-down alert.
      scrapeMetrics: false,
    });
    this.workload.addService(this.serviceName, http);
  }
}
