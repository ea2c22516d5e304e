// The global Prometheus: a second Prometheus, beside the cluster's own, that federates the member
// clusters (constructs/config-files/federation-config.ts) and evaluates only the fleet rules (GLOBAL_RULE_GROUPS).
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config';
import { CAPACITY_ASSUMPTIONS } from '../../config/capacity';
import type { FederationMember, FederationSettings } from '../../config/schema/federation';
import { memoryBytes } from '../../config/quantities';
import { GLOBAL_RULE_GROUPS, type AlertLinks } from '../../rules';
import { renderRuleFiles } from '../../rules/render';
import type { ComponentChart } from '../assembly/component-chart';
import { federationScrapeJobs } from '../config-files/federation-config';
import { Prometheus } from './prometheus';
import { GLOBAL_PROMETHEUS } from '../../contracts/services';

export type GlobalPrometheusSettings = NonNullable<FederationSettings['global']>;

/** Where the Secrets that members' `tls` and `bearerTokenSecret` name are mounted, one directory per Secret. */
export const GLOBAL_SECRETS_DIR = '/etc/prometheus/secrets';

export interface GlobalPrometheusProps {
  /** Namespace of every namespaced object; the Secrets members name must live here. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the name of the cluster it runs in. */
  readonly instance: string;
  /** Value of the `environment` external label. */
  readonly environment: string;
  readonly settings: GlobalPrometheusSettings;
  /** The clusters to federate, one target each. */
  readonly members: readonly FederationMember[];
  /** Default scrape interval; the federation jobs set their own (15 s). */
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  /** `host:port` of every Alertmanager peer the fleet alerts go to. */
  readonly alertmanagerTargets: readonly string[];
  /** Where the fleet alerts' `runbook_url` and `dashboard_url` point. */
  readonly links: AlertLinks;
}

/** The Secrets members reference, each once, in a stable order. */
function memberSecrets(members: readonly FederationMember[]): string[] {
  const names = members.flatMap((m) => [m.tls?.caSecret.name, m.bearerTokenSecret?.name]).filter((n): n is string => !!n);
  return [...new Set(names)].sort();
}

/**
 * A Prometheus named `prometheus-global` with only static federation targets: no Kubernetes discovery,
 * so no ClusterRole and no service-account token. External labels name it (`prometheus: global`) but
 * carry no `cluster`: federated series keep their member's own.
 */
export class GlobalPrometheus extends Construct {
  public readonly prometheus: Prometheus;
  public readonly serviceName: string;
  public readonly port: number;

  constructor(scope: Construct, id: string, props: GlobalPrometheusProps) {
    super(scope, id);
    if (props.members.length === 0)
      throw new Error('GlobalPrometheus members: got none; a global Prometheus federates at least one member');
    const { settings } = props;
    this.prometheus = new Prometheus(this, 'Prometheus', {
      name: GLOBAL_PROMETHEUS.name,
      // Its config files land beside the cluster Prometheus's, so both are checked from config/.
      configFilesDir: GLOBAL_PROMETHEUS.name,
      kubernetesDiscovery: false,
      port: GLOBAL_PROMETHEUS.webPort,
      namespace: props.namespace,
      instance: props.instance,
      image: settings.image,
      replicas: settings.replicas,
      retention: settings.retention,
      retentionSizeBytes: Math.floor(memoryBytes(settings.storage.size) * CAPACITY_ASSUMPTIONS.retentionSizeShare),
      storage: settings.storage,
      resources: settings.resources,
      ruleFiles: renderRuleFiles(GLOBAL_RULE_GROUPS, props.links),
      config: {
        scrapeInterval: props.scrapeInterval,
        evaluationInterval: props.evaluationInterval,
        externalLabels: { prometheus: 'global', environment: props.environment },
        scrapeJobs: federationScrapeJobs({ members: props.members, secretsDir: GLOBAL_SECRETS_DIR }),
        alertmanagerTargets: props.alertmanagerTargets,
      },
    });
    this.serviceName = this.prometheus.serviceName;
    this.port = this.prometheus.port;

    memberSecrets(props.members).forEach((name, index) => {
      const secret = kplus.Secret.fromSecretName(this, `MemberSecret${index}`, name);
      const volume = kplus.Volume.fromSecret(this, `MemberSecretVolume${index}`, secret, {
        name: `member-secret-${index}`,
        defaultMode: 0o440,
      });
      this.prometheus.container.mount(`${GLOBAL_SECRETS_DIR}/${name}`, volume, { readOnly: true });
    });
  }
}

type ChartFactory = (component: string) => ComponentChart;

/**
 * The `prometheus-global` chart when the environment's federation role is global, else nothing:
 * `...buildGlobalPrometheus(chart, env, alertmanager.apiTargets)` in the environment's chart list.
 */
export function buildGlobalPrometheus(
  chart: ChartFactory,
  env: EnvironmentConfig,
  alertmanagerTargets: readonly string[],
): ComponentChart[] {
  const { federation } = env;
  if (federation.role !== 'global' || !federation.global) return [];
  const globalChart = chart(GLOBAL_PROMETHEUS.name);
  new GlobalPrometheus(globalChart, 'GlobalPrometheus', {
    namespace: env.namespaces.monitoring,
    instance: env.cluster.name,
    environment: env.name,
    settings: federation.global,
    members: federation.members,
    scrapeInterval: env.prometheus.scrapeInterval,
    evaluationInterval: env.prometheus.evaluationInterval,
    alertmanagerTargets,
    links: env.alerting,
  });
  return [globalChart];
}
