// loki.yaml for a single-binary Loki as typed data: only the keys we set, each checked against the
// Loki 3.x configuration reference. Everything else keeps Loki's defaults.
import { stringify } from 'yaml';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/**
 * First day of the one schema period. Never change it: Loki finds existing chunks through it. A new
 * schema is a new entry in `schema_config.configs` starting on a future date.
 */
export const LOKI_SCHEMA_START = '2025-01-01';

/** Where Loki keeps chunks and the index: on its own volume, or in an S3 bucket. */
export type LokiObjectStore = { readonly type: 'filesystem' } | { readonly type: 's3'; readonly bucket: string; readonly region: string };

export interface LokiConfigProps {
  readonly httpPort: number;
  readonly grpcPort: number;
  /** The volume's mount point: WAL, TSDB index, compactor state, and with `filesystem` every chunk. */
  readonly dataDir: string;
  /** `limits_config.retention_period`, a Prometheus duration such as `14d`. */
  readonly retention: string;
  readonly objectStore: LokiObjectStore;
  readonly limits: {
    readonly ingestionRateMb: number;
    readonly ingestionBurstSizeMb: number;
    readonly maxGlobalStreamsPerUser: number;
    readonly maxLineSizeKb: number;
  };
}

/** The subset of loki.yaml this stack writes, with Loki's own key names. */
export interface LokiConfig {
  target: 'all';
  auth_enabled: false;
  server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
  common: {
    instance_addr: string;
    path_prefix: string;
    replication_factor: number;
    ring: { kvstore: { store: 'inmemory' } };
    storage:
      | { filesystem: { chunks_directory: string; rules_directory: string } }
      | { s3: { bucketnames: string; region: string; s3forcepathstyle: boolean } };
  };
  schema_config: {
    configs: Array<{
      from: string;
      store: 'tsdb';
      object_store: 'filesystem' | 's3';
      schema: 'v13';
      index: { prefix: string; period: '24h' };
    }>;
  };
  compactor: { working_directory: string; retention_enabled: true; delete_request_store: 'filesystem' | 's3' };
  limits_config: {
    retention_period: string;
    ingestion_rate_mb: number;
    ingestion_burst_size_mb: number;
    max_global_streams_per_user: number;
    max_line_size: string;
    reject_old_samples: boolean;
    reject_old_samples_max_age: string;
    allow_structured_metadata: boolean;
  };
  analytics: { reporting_enabled: false };
}

/** `common.storage`: chunk and rule directories on the volume, or the bucket with no static keys (IRSA supplies credentials). */
function commonStorage(objectStore: LokiObjectStore, dataDir: string): LokiConfig['common']['storage'] {
  if (objectStore.type === 'filesystem') {
    return { filesystem: { chunks_directory: `${dataDir}/chunks`, rules_directory: `${dataDir}/rules` } };
  }
  return { s3: { bucketnames: objectStore.bucket, region: objectStore.region, s3forcepathstyle: false } };
}

/** loki.yaml as data; `renderLokiConfig` writes it. */
export function lokiConfig(props: LokiConfigProps): LokiConfig {
  const { dataDir, objectStore, limits } = props;
  return {
    // Every component in one process: one replica, nothing to shard or replicate.
    target: 'all',
    auth_enabled: false,
    server: { http_listen_port: props.httpPort, grpc_listen_port: props.grpcPort, log_level: 'info' },
    common: {
      // The components of the one process find each other in the ring at this address.
      instance_addr: '127.0.0.1',
      path_prefix: dataDir,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: commonStorage(objectStore, dataDir),
    },
    schema_config: {
      configs: [
        {
          from: LOKI_SCHEMA_START,
          store: 'tsdb',
          object_store: objectStore.type,
          schema: 'v13',
          index: { prefix: 'index_', period: '24h' },
        },
      ],
    },
    compactor: {
      working_directory: `${dataDir}/compactor`,
      // Without it the compactor only compacts, and logs are never deleted.
      retention_enabled: true,
      delete_request_store: objectStore.type,
    },
    limits_config: {
      retention_period: props.retention,
      ingestion_rate_mb: limits.ingestionRateMb,
      ingestion_burst_size_mb: limits.ingestionBurstSizeMb,
      max_global_streams_per_user: limits.maxGlobalStreamsPerUser,
      // Loki's size strings are binary: 256KB is 262144 bytes.
      max_line_size: `${limits.maxLineSizeKb}KB`,
      // A week covers Fluent Bit replaying its disk buffer after a long Loki outage.
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
      allow_structured_metadata: true,
    },
    analytics: { reporting_enabled: false },
  };
}

/** loki.yaml with the generated-file header; keys sorted, so equal props give identical text. */
export function renderLokiConfig(props: LokiConfigProps): string {
  return GENERATED_HEADER + stringify(lokiConfig(props), { lineWidth: 0, sortMapEntries: true, aliasDuplicateObjects: false });
}
