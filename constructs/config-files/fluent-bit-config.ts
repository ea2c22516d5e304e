// Fluent Bit's pipeline as typed data, rendered in its YAML config format: tail every container log,
// add pod metadata and the Loki stream labels, count the LOG_PATTERNS lines, ship the lines to Loki
// and the counters (with Fluent Bit's own metrics) to a Prometheus endpoint.
import { stringify } from 'yaml';
import type { FluentBitSettings } from '../../config/schema/logging';
import { memoryBytes } from '../../config/quantities';
import {
  LOG_JOBS,
  LOG_METRIC_LABELS,
  LOG_PATTERNS,
  LOKI_STREAM_LABELS,
  type LokiStreamLabel,
  type LogPattern,
} from '../../rules/log-patterns';
import { HOST_ACCESS } from '../k8s/host-access';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/** Loki `job` of the logs of every namespace other than the two workload namespaces (cluster add-ons, monitoring). */
export const PLATFORM_LOG_JOB = 'platform';

/** HTTP server (health, `/api/v1/*`) and the Prometheus exporter of the log counters and Fluent Bit's own metrics. */
export const FLUENT_BIT_PORTS = { http: 2020, metrics: 2021 } as const;

/** Tags route records: container lines to the filters and Loki, metrics to the exporter. */
export const FLUENT_BIT_TAGS = {
  containers: 'kube.*',
  logMetrics: 'metrics.log',
  fluentBitMetrics: 'metrics.fluentbit',
  metrics: 'metrics.*',
} as const;

/** The tail tag `kube.*` expands to `kube.` + the file path with `/` as `.`; the kubernetes filter strips this prefix. */
export const KUBE_TAG_PREFIX = 'kube.var.log.containers.';

/** Where the kubernetes filter puts the fields of a JSON line, so they cannot overwrite the label keys. */
export const PARSED_LOG_KEY = 'log_processed';

/** Container-side path of a host directory, from the registry, so the config and the mounts agree. */
export function fluentBitHostPath(name: string): string {
  const entry = HOST_ACCESS['fluent-bit'].hostPaths.find((hostPath) => hostPath.name === name);
  if (!entry) throw new Error(`fluent-bit host mount "${name}" is missing from the host-access registry`);
  return entry.mountPath;
}

export interface FluentBitConfigProps {
  /** Namespace Fluent Bit runs in; its own container's logs are not tailed. */
  readonly namespace: string;
  /** Name of the DaemonSet and of its container, which name its log files. */
  readonly name: string;
  readonly settings: Pick<FluentBitSettings, 'memBufLimit' | 'filesystemBufferLimit'>;
  /** The namespaces whose logs get `job` moe-lab and mage (LOG_JOBS). */
  readonly logNamespaces: { readonly moeLab: string; readonly mage: string };
  readonly loki: { readonly host: string; readonly port: number };
}

type Switch = 'on' | 'off';

// Each section lists the keys this stack sets, named as Fluent Bit spells them. An input's `tag` routes its
// records to the filters and outputs whose `match` selects it; `alias` names the plugin in Fluent Bit's own
// metrics (fluentbit_output_retries_failed_total{name="loki"}).
interface Tagged<Name extends string> {
  readonly name: Name;
  readonly alias: string;
  readonly tag: string;
}
interface Routed<Name extends string> {
  readonly name: Name;
  readonly alias: string;
  readonly match: string;
}
export interface ServiceSection {
  readonly flush: number;
  readonly log_level: 'info';
  readonly http_server: Switch;
  readonly http_port: number;
  readonly health_check: Switch;
  readonly 'storage.path': string;
  readonly 'storage.sync': 'normal';
  readonly 'storage.backlog.mem_limit': number;
  readonly 'storage.metrics': Switch;
}
export interface TailInput extends Tagged<'tail'> {
  readonly path: string;
  readonly exclude_path: string;
  readonly 'multiline.parser': 'cri';
  readonly db: string;
  readonly 'db.locking': Switch;
  readonly read_from_head: Switch;
  readonly refresh_interval: number;
  readonly skip_long_lines: Switch;
  readonly mem_buf_limit: number;
  readonly 'storage.type': 'filesystem';
}
export type FluentBitMetricsInput = Tagged<'fluentbit_metrics'> & { readonly scrape_interval: number };
export interface KubernetesFilter extends Routed<'kubernetes'> {
  readonly kube_tag_prefix: string;
  readonly merge_log: Switch;
  readonly merge_log_key: string;
  readonly keep_log: Switch;
  readonly labels: Switch;
  readonly annotations: Switch;
  readonly buffer_size: string;
}
export type LuaFilter = Routed<'lua'> & { readonly call: string; readonly code: string };
/** Key order matters: the filter applies `exclude`, then `regex`, in the order they are written. */
export interface LogToMetricsFilter extends Routed<'log_to_metrics'> {
  readonly tag: string;
  readonly metric_mode: 'counter';
  readonly metric_name: string;
  readonly metric_description: string;
  readonly exclude: string;
  readonly regex: string;
  readonly add_label: readonly string[];
  readonly flush_interval_sec: number;
}
export interface LokiOutput extends Routed<'loki'> {
  readonly host: string;
  readonly port: number;
  readonly labels: string;
  readonly structured_metadata: string;
  readonly remove_keys: string;
  readonly line_format: 'json';
  readonly drop_single_key: 'raw';
  readonly retry_limit: 'no_limits';
  readonly 'storage.total_limit_size': number;
}
export type PrometheusExporterOutput = Routed<'prometheus_exporter'> & { readonly host: string; readonly port: number };

export interface FluentBitConfig {
  readonly service: ServiceSection;
  readonly pipeline: {
    readonly inputs: ReadonlyArray<TailInput | FluentBitMetricsInput>;
    readonly filters: ReadonlyArray<KubernetesFilter | LuaFilter | LogToMetricsFilter>;
    readonly outputs: ReadonlyArray<LokiOutput | PrometheusExporterOutput>;
  };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const luaString = (text: string) => JSON.stringify(text);

/** Where each stream label comes from, in Lua: `k8s` is the kubernetes filter's map, `labels` the pod's labels. */
const STREAM_LABEL_SOURCES: Readonly<Record<LokiStreamLabel, string>> = {
  job: `jobs[k8s["namespace_name"]] or ${luaString(PLATFORM_LOG_JOB)}`,
  namespace: 'k8s["namespace_name"]',
  pod: 'k8s["pod_name"]',
  container: 'k8s["container_name"]',
  app: 'labels["app"] or labels["app.kubernetes.io/name"]',
};

/** Sets the stream labels as top-level keys for Loki's `labels` and the counters' `add_label`; a label
 * without a value stays unset, and both plugins then leave it out. */
function streamLabelsLua(jobsByNamespace: ReadonlyMap<string, string>): string {
  const jobs = [...jobsByNamespace].map(([namespace, job]) => `  [${luaString(namespace)}] = ${luaString(job)},`);
  return [
    'local jobs = {',
    ...jobs,
    '}',
    'function stream_labels(tag, timestamp, record)',
    '  local k8s = record["kubernetes"] or {}',
    '  local labels = k8s["labels"] or {}',
    ...LOKI_STREAM_LABELS.map((label) => `  record[${luaString(label)}] = ${STREAM_LABEL_SOURCES[label]}`),
    // 2: the record changed, its timestamp did not.
    '  return 2, timestamp, record',
    'end',
    '',
  ].join('\n');
}

/** One counter per pattern, over the raw line (`log`) of the pattern's jobs only. */
export function logToMetricsFilter(pattern: LogPattern): LogToMetricsFilter {
  const jobs = pattern.jobs.map(escapeRegex).join('|');
  return {
    name: 'log_to_metrics',
    alias: `count_${pattern.metricName}`,
    match: FLUENT_BIT_TAGS.containers,
    tag: FLUENT_BIT_TAGS.logMetrics,
    metric_mode: 'counter',
    // Prometheus sees log_metric_counter_<metric_name>: the default metric_namespace, then the mode.
    metric_name: pattern.metricName,
    metric_description: pattern.help,
    // The filter stops at the first rule that decides, so the job check must come before the line's regex.
    // Onigmo runs it, so it may look ahead; only the patterns themselves must also read as RE2 in LogQL.
    exclude: `job ^(?!(?:${jobs})$)`,
    regex: `log ${pattern.regex}`,
    add_label: LOG_METRIC_LABELS.map((label) => `${label} $${label}`),
    // Emitting on every matching line would copy the whole metric set per line during an error storm.
    flush_interval_sec: 5,
  };
}

/** The whole configuration; equal props give an equal object. */
export function fluentBitConfig(props: FluentBitConfigProps): FluentBitConfig {
  const jobsByNamespace = new Map([
    [props.logNamespaces.moeLab, LOG_JOBS.moeLab],
    [props.logNamespaces.mage, LOG_JOBS.mage],
  ]);
  const logDir = fluentBitHostPath('container-logs');
  const state = fluentBitHostPath('state');
  return {
    service: {
      flush: 1,
      log_level: 'info',
      http_server: 'on',
      http_port: FLUENT_BIT_PORTS.http,
      // /api/v1/health turns 500 after 5 output errors or 5 exhausted retries in a minute (the hc_* defaults).
      health_check: 'on',
      'storage.path': `${state}/buffer`,
      'storage.sync': 'normal',
      // Memory for chunks read back from disk at start-up. Sizes are in bytes: Fluent Bit rejects `16Mi`, reads `16M` as 16e6.
      'storage.backlog.mem_limit': memoryBytes(props.settings.memBufLimit),
      'storage.metrics': 'on',
    },
    pipeline: {
      inputs: [
        {
          name: 'tail',
          alias: 'containers',
          tag: FLUENT_BIT_TAGS.containers,
          path: `${logDir}/*.log`,
          // Its own lines would loop back: a Loki outage makes it log errors, which it then fails to ship.
          exclude_path: `${logDir}/${props.name}-*_${props.namespace}_${props.name}-*.log`,
          'multiline.parser': 'cri',
          db: `${state}/tail-containers.db`,
          'db.locking': 'on',
          // A file the db does not know (a new pod) is read from its start, not from where it ends when found.
          read_from_head: 'on',
          refresh_interval: 10,
          skip_long_lines: 'on',
          // With filesystem storage the input does not pause at this limit: further chunks wait on disk only.
          mem_buf_limit: memoryBytes(props.settings.memBufLimit),
          'storage.type': 'filesystem',
        },
        { name: 'fluentbit_metrics', alias: 'fluentbit', tag: FLUENT_BIT_TAGS.fluentBitMetrics, scrape_interval: 15 },
      ],
      filters: [
        {
          name: 'kubernetes',
          alias: 'pod_metadata',
          match: FLUENT_BIT_TAGS.containers,
          kube_tag_prefix: KUBE_TAG_PREFIX,
          merge_log: 'on',
          merge_log_key: PARSED_LOG_KEY,
          keep_log: 'on',
          labels: 'on',
          annotations: 'off',
          // Pods with many labels or managed fields outgrow the 32k default, and their metadata would be dropped.
          buffer_size: '0',
        },
        {
          name: 'lua',
          alias: 'stream_labels',
          match: FLUENT_BIT_TAGS.containers,
          call: 'stream_labels',
          code: streamLabelsLua(jobsByNamespace),
        },
        ...Object.values(LOG_PATTERNS).map(logToMetricsFilter),
      ],
      outputs: [
        lokiOutput(props),
        {
          name: 'prometheus_exporter',
          alias: 'prometheus',
          match: FLUENT_BIT_TAGS.metrics,
          host: '0.0.0.0',
          port: FLUENT_BIT_PORTS.metrics,
        },
      ],
    },
  };
}

/** Loki gets the raw line: LogQL's `|~` sees what the counters matched and `| json` parses JSON lines. Node and
 * stdout/stderr go along as structured metadata, not as labels. */
function lokiOutput(props: FluentBitConfigProps): LokiOutput {
  return {
    name: 'loki',
    alias: 'loki',
    match: FLUENT_BIT_TAGS.containers,
    host: props.loki.host,
    port: props.loki.port,
    labels: LOKI_STREAM_LABELS.map((label) => `${label}=$${label}`).join(', '),
    structured_metadata: "node=$kubernetes['host'], stream=$stream",
    remove_keys: [...LOKI_STREAM_LABELS, 'kubernetes', PARSED_LOG_KEY, 'stream', 'time', '_p'].join(', '),
    line_format: 'json',
    // Only `log` is left: send its text unquoted.
    drop_single_key: 'raw',
    // Retry until Loki is back; the disk buffer bounds the backlog and drops its oldest chunks beyond the limit.
    retry_limit: 'no_limits',
    'storage.total_limit_size': memoryBytes(props.settings.filesystemBufferLimit),
  };
}

/** fluent-bit.yaml with the generated-file header; key order is the object's, so the output is stable. */
export function renderFluentBitConfig(props: FluentBitConfigProps): string {
  return GENERATED_HEADER + stringify(fluentBitConfig(props), { lineWidth: 0, aliasDuplicateObjects: false });
}
