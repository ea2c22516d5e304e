// datasources.yaml for Grafana's provisioning: every datasource with the fixed uid the dashboards
// and the trace↔log links refer to (dashboards/lib/datasources.ts), none editable in the UI.
import { stringify } from 'yaml';
import { DATASOURCES, GLOBAL_PROMETHEUS_DATASOURCE } from '../../dashboards/lib/datasources';
import { GENERATED_HEADER } from '../../contracts/generated-header';
import { FEDERATION_INTERVAL } from '../../contracts/federation';
import { type BackendService, LOKI_SERVICE, JAEGER_QUERY_SERVICE } from '../../contracts/services';

export interface DatasourcesProps {
  /** Namespace of every backend Service. */
  readonly namespace: string;
  readonly prometheus: BackendService;
  readonly alertmanager: BackendService;
  /** @default LOKI_SERVICE */
  readonly loki?: BackendService;
  /** @default JAEGER_QUERY_SERVICE */
  readonly jaeger?: BackendService;
  /** Prometheus' scrape interval: the smallest step Grafana asks for, so no panel plots gaps. */
  readonly scrapeInterval: string;
  /**
   * The global Prometheus (GLOBAL_PROMETHEUS of contracts/services.ts), in an environment whose
   * `federation.role` is global: a second Prometheus datasource with uid `prometheus-global`.
   * @default - none; only the cluster's own Prometheus
   */
  readonly globalPrometheus?: BackendService;
}

/** Matches the trace id in a log line such as `trace_id=4bf92f3577b34da6`; the link opens it in Jaeger. */
const TRACE_ID_PATTERN = '(?:traceID|trace_id|traceId)=(\\w+)';

/** `http://<name>.<namespace>.svc:<port>`, the address a pod of the cluster reaches a Service at. */
export const serviceUrl = (service: BackendService, namespace: string) => `http://${service.name}.${namespace}.svc:${service.port}`;

// POST keeps long PromQL out of URLs and access logs.
const prometheusJson = (timeInterval: string) => ({ httpMethod: 'POST', timeInterval, prometheusType: 'Prometheus' });

/** datasources.yaml: Prometheus (the default), the global Prometheus if given, Alertmanager, Loki and Jaeger, linked trace↔log. */
export function renderDatasources(props: DatasourcesProps): string {
  const url = (service: BackendService) => serviceUrl(service, props.namespace);
  const common = { access: 'proxy', orgId: 1, editable: false };
  const datasources = [
    { ...DATASOURCES.prometheus, ...common, url: url(props.prometheus), isDefault: true, jsonData: prometheusJson(props.scrapeInterval) },
    // Its samples arrive at the federation interval, the smallest step worth asking it for.
    ...(props.globalPrometheus
      ? [{ ...GLOBAL_PROMETHEUS_DATASOURCE, ...common, url: url(props.globalPrometheus), jsonData: prometheusJson(FEDERATION_INTERVAL) }]
      : []),
    {
      ...DATASOURCES.alertmanager,
      ...common,
      url: url(props.alertmanager),
      jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
    },
    {
      ...DATASOURCES.loki,
      ...common,
      url: url(props.loki ?? LOKI_SERVICE),
      jsonData: {
        maxLines: 1000,
        derivedFields: [
          {
            name: 'TraceID',
            datasourceUid: DATASOURCES.jaeger.uid,
            matcherRegex: TRACE_ID_PATTERN,
            // Provisioning expands $VAR, so `$$` keeps Grafana's own `${__value.raw}` literal.
            url: '$${__value.raw}',
            urlDisplayLabel: 'Open trace in Jaeger',
          },
        ],
      },
    },
    {
      ...DATASOURCES.jaeger,
      ...common,
      url: url(props.jaeger ?? JAEGER_QUERY_SERVICE),
      jsonData: {
        // From a span to the logs of the same trace, an hour either side to catch slow spans' logs.
        tracesToLogsV2: {
          datasourceUid: DATASOURCES.loki.uid,
          spanStartTimeShift: '-1h',
          spanEndTimeShift: '1h',
          filterByTraceID: true,
          filterBySpanID: false,
          // OpenTelemetry's Kubernetes resource attributes, mapped to the Loki labels the log shipper sets.
          tags: [
            { key: 'k8s.namespace.name', value: 'namespace' },
            { key: 'k8s.pod.name', value: 'pod' },
          ],
        },
        nodeGraph: { enabled: true },
      },
    },
  ];
  return GENERATED_HEADER + stringify({ apiVersion: 1, datasources }, { lineWidth: 0 });
}
