// Jaeger v2's config.yaml (an OpenTelemetry Collector config with Jaeger's extensions) and the
// sampling strategies file its remote_sampling extension serves. Keys follow Jaeger 2.11.
import { stringify } from 'yaml';
import type { JaegerSettings } from '../../config/schema/logging';
import { durationSeconds } from '../../config/quantities';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/** Every port Jaeger listens on; the Services, probes and NetworkPolicy use these. */
export const JAEGER_PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  /** Remote sampling over HTTP (`/sampling?service=…`), what the Go, JS and Rust samplers fetch. */
  samplingHttp: 5778,
  /** Remote sampling over gRPC (sampling.proto), what OTEL_TRACES_SAMPLER_ARG's `endpoint` names. */
  samplingGrpc: 5779,
  /** The collector's own metrics in Prometheus format. */
  metrics: 8888,
  health: 13133,
  query: 16686,
  queryGrpc: 16685,
} as const;

/** Where the ConfigMap and the Badger volume are mounted in the pod. */
export const JAEGER_PATHS = {
  configDir: '/etc/jaeger',
  config: '/etc/jaeger/config.yaml',
  samplingStrategies: '/etc/jaeger/sampling-strategies.json',
  badgerDir: '/badger',
  /** The healthcheckv2 status endpoint; 503 while starting or stopping, 200 when running. */
  health: '/status',
} as const;

/** Name of the one storage backend in `jaeger_storage`; the query extension and the exporter refer to it. */
export const TRACE_STORE = 'traces';

/** How often Jaeger re-reads the strategies file: a sampling change applies without a restart. */
const SAMPLING_RELOAD_INTERVAL = '1m';

// Listen on every interface: the pod IP is what Services and probes reach, and the NetworkPolicy
// decides who may connect. The collector's own default is localhost, which nothing outside reaches.
const listen = (port: number) => `0.0.0.0:${port}`;

/**
 * A Prometheus-style duration (`30d`, `72h`) as a Go duration, which has no day or week unit:
 * whole hours where possible (`30d` → `720h`), else minutes or seconds.
 */
export function goDuration(duration: string): string {
  const seconds = durationSeconds(duration);
  if (!(seconds > 0)) throw new Error(`Jaeger duration: got "${duration}"; must be a duration above zero such as 72h or 7d`);
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** The `jaeger_storage` backend: memory with a trace cap, or Badger on the pod's volume. */
function storageBackend(storage: JaegerSettings['storage']) {
  if (storage.type === 'memory') return { memory: { max_traces: storage.maxTraces } };
  return {
    badger: {
      directories: { keys: `${JAEGER_PATHS.badgerDir}/keys`, values: `${JAEGER_PATHS.badgerDir}/values` },
      // Badger's default is ephemeral (a temp dir, lost on restart); the PVC is there to keep traces.
      ephemeral: false,
      ttl: { spans: goDuration(storage.retention) },
    },
  };
}

/** config.yaml as an object; depends only on the storage, so a sampling change does not roll the pod. */
export function jaegerConfig(storage: JaegerSettings['storage']) {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'remote_sampling', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        // `normal` keeps the per-component throughput and queue metrics without detailed's histograms.
        metrics: {
          level: 'normal',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: JAEGER_PORTS.metrics } } } }],
        },
        // JSON lines, so the log shipper keeps level and message as fields.
        logs: { level: 'info', encoding: 'json' },
      },
    },
    extensions: {
      jaeger_storage: { backends: { [TRACE_STORE]: storageBackend(storage) } },
      jaeger_query: {
        storage: { traces: TRACE_STORE },
        http: { endpoint: listen(JAEGER_PORTS.query) },
        // Nothing here uses the gRPC query API; localhost keeps it off the network.
        grpc: { endpoint: `localhost:${JAEGER_PORTS.queryGrpc}` },
      },
      remote_sampling: {
        file: { path: JAEGER_PATHS.samplingStrategies, reload_interval: SAMPLING_RELOAD_INTERVAL },
        http: { endpoint: listen(JAEGER_PORTS.samplingHttp) },
        grpc: { endpoint: listen(JAEGER_PORTS.samplingGrpc) },
      },
      healthcheckv2: {
        use_v2: true,
        http: { endpoint: listen(JAEGER_PORTS.health), status: { enabled: true, path: JAEGER_PATHS.health } },
      },
    },
    receivers: {
      otlp: {
        protocols: { grpc: { endpoint: listen(JAEGER_PORTS.otlpGrpc) }, http: { endpoint: listen(JAEGER_PORTS.otlpHttp) } },
      },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: TRACE_STORE } },
  };
}

export function renderJaegerConfig(storage: JaegerSettings['storage']): string {
  return GENERATED_HEADER + stringify(jaegerConfig(storage), { lineWidth: 0 });
}

/** The file strategy: a probabilistic default and one probabilistic strategy per listed service, sorted by service. */
export function samplingStrategies(sampling: JaegerSettings['sampling']) {
  const services = Object.keys(sampling.perService).sort();
  return {
    default_strategy: { type: 'probabilistic', param: sampling.defaultProbability },
    service_strategies: services.map((service) => ({ service, type: 'probabilistic', param: sampling.perService[service] })),
  };
}

/** sampling-strategies.json; JSON has no comments, so it carries no generated-file header. */
export function renderSamplingStrategies(sampling: JaegerSettings['sampling']): string {
  return `${JSON.stringify(samplingStrategies(sampling), null, 2)}\n`;
}
