// Logs and traces: Loki, Fluent Bit and Jaeger. A fragment of the environment schema, with each
// environment's values.
import { z } from 'zod';
import { bucketName, PLACEHOLDER_ACCOUNTS, roleArn } from './aws';
import { dnsLabel, duration, image, memoryQuantity, resources } from './primitives';

const LOKI_STORAGE_TYPES = ['filesystem', 's3'] as const;
const JAEGER_STORAGE_TYPES = ['memory', 'badger'] as const;

const volume = z.strictObject({ storageClass: dnsLabel, size: memoryQuantity });
const positive = (what: string) => z.number({ error: `must be a number of ${what}` }).positive({ error: 'must be above 0' });
const count = z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });

/** Where Loki keeps chunks and the TSDB index: the pod's volume, or an S3 bucket reached through IRSA. */
const lokiObjectStorage = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('filesystem') }),
    z.strictObject({
      type: z.literal('s3'),
      /** One per environment, created by the Pulumi program (infra/) with the IAM role below. */
      bucket: bucketName,
      /** IAM role Loki's ServiceAccount assumes (IRSA), allowed to read and write the bucket. */
      roleArn,
    }),
  ],
  { error: `type must be one of ${LOKI_STORAGE_TYPES.join(', ')}` },
);

export const lokiSchema = z.strictObject({
  image,
  resources,
  /** How long logs are kept; the compactor deletes older chunks. */
  retention: duration,
  /** WAL and index cache; with `filesystem` storage also every chunk, so size it for the retention. */
  volume,
  objectStorage: lokiObjectStorage,
  /** Per-tenant limits that keep one noisy workload from starving the others. */
  limits: z.strictObject({
    ingestionRateMb: positive('MB per second'),
    ingestionBurstSizeMb: positive('MB'),
    maxGlobalStreamsPerUser: count,
    maxLineSizeKb: count,
  }),
});

export const fluentBitSchema = z.strictObject({
  image,
  resources,
  /** Records held in memory per input (`mem_buf_limit`); with filesystem storage further chunks wait on disk instead of pausing the input. */
  memBufLimit: memoryQuantity,
  /** Chunks buffered on the node's disk while Loki is unreachable (`storage.total_limit_size`); older ones are dropped beyond. */
  filesystemBufferLimit: memoryQuantity,
});

const probability = z
  .number({ error: 'must be a probability between 0 and 1' })
  .min(0, { error: 'must be at least 0' })
  .max(1, { error: 'must be at most 1' });

const jaegerStorage = z.discriminatedUnion(
  'type',
  [
    /** In the pod's memory: lost on restart, fine for dev. */
    z.strictObject({ type: z.literal('memory'), maxTraces: count }),
    /** Badger key-value store on a PersistentVolume. */
    z.strictObject({ type: z.literal('badger'), volume, retention: duration }),
  ],
  { error: `type must be one of ${JAEGER_STORAGE_TYPES.join(', ')}` },
);

export const jaegerSchema = z.strictObject({
  image,
  resources,
  storage: jaegerStorage,
  /** Head sampling the SDKs fetch from Jaeger: a default probability, and one per service that differs. */
  sampling: z.strictObject({
    defaultProbability: probability,
    perService: z.record(dnsLabel, probability, {
      error: (issue) =>
        issue.code === 'invalid_key' ? 'must be a DNS-1123 label: the service name (OTEL_SERVICE_NAME) such as moe-inference' : undefined,
    }),
  }),
});

export const loggingSchema = z.strictObject({ loki: lokiSchema, fluentBit: fluentBitSchema, jaeger: jaegerSchema });

export type LoggingInput = z.input<typeof loggingSchema>;
export type LoggingSettings = z.output<typeof loggingSchema>;
export type LokiSettings = LoggingSettings['loki'];
export type FluentBitSettings = LoggingSettings['fluentBit'];
export type JaegerSettings = LoggingSettings['jaeger'];

const IMAGES = {
  loki: { repository: 'docker.io/grafana/loki', tag: '3.5.8' },
  fluentBit: { repository: 'docker.io/fluent/fluent-bit', tag: '3.2.10' },
  jaeger: { repository: 'docker.io/jaegertracing/jaeger', tag: '2.11.0' },
} as const;

const limits = (scale: number) => ({
  ingestionRateMb: 8 * scale,
  ingestionBurstSizeMb: 16 * scale,
  maxGlobalStreamsPerUser: 5000 * scale,
  maxLineSizeKb: 256,
});

/**
 * Per-environment values. dev keeps logs two weeks on the pod's volume and traces in memory;
 * staging and prod keep logs in S3 (30 days in prod) and traces in Badger. Inference is sampled
 * less than training jobs because it sees far more requests.
 */
export const LOGGING_DEFAULTS: Readonly<Record<'dev' | 'staging' | 'prod', LoggingInput>> = {
  dev: {
    loki: {
      image: IMAGES.loki,
      resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
      retention: '14d',
      volume: { storageClass: 'gp3', size: '20Gi' },
      objectStorage: { type: 'filesystem' },
      limits: limits(1),
    },
    fluentBit: {
      image: IMAGES.fluentBit,
      resources: { cpu: { request: '50m', limit: '500m' }, memory: { request: '64Mi', limit: '256Mi' } },
      memBufLimit: '16Mi',
      filesystemBufferLimit: '512Mi',
    },
    jaeger: {
      image: IMAGES.jaeger,
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '1Gi' } },
      storage: { type: 'memory', maxTraces: 50000 },
      sampling: { defaultProbability: 1, perService: {} },
    },
  },
  staging: {
    loki: {
      image: IMAGES.loki,
      resources: { cpu: { request: '250m', limit: '2' }, memory: { request: '512Mi', limit: '2Gi' } },
      retention: '14d',
      volume: { storageClass: 'gp3', size: '20Gi' },
      objectStorage: {
        type: 's3',
        bucket: 'moe-lab-logs-staging',
        roleArn: `arn:aws:iam::${PLACEHOLDER_ACCOUNTS.staging}:role/moe-lab-loki-staging`,
      },
      limits: limits(2),
    },
    fluentBit: {
      image: IMAGES.fluentBit,
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '96Mi', limit: '384Mi' } },
      memBufLimit: '32Mi',
      filesystemBufferLimit: '1Gi',
    },
    jaeger: {
      image: IMAGES.jaeger,
      resources: { cpu: { request: '200m', limit: '1' }, memory: { request: '512Mi', limit: '2Gi' } },
      storage: { type: 'badger', volume: { storageClass: 'gp3', size: '20Gi' }, retention: '72h' },
      sampling: { defaultProbability: 0.5, perService: { 'moe-inference': 0.2 } },
    },
  },
  prod: {
    loki: {
      image: IMAGES.loki,
      resources: { cpu: { request: '500m', limit: '4' }, memory: { request: '2Gi', limit: '8Gi' } },
      retention: '30d',
      volume: { storageClass: 'gp3', size: '50Gi' },
      objectStorage: {
        type: 's3',
        bucket: 'moe-lab-logs-prod',
        roleArn: `arn:aws:iam::${PLACEHOLDER_ACCOUNTS.prod}:role/moe-lab-loki-prod`,
      },
      limits: limits(4),
    },
    fluentBit: {
      image: IMAGES.fluentBit,
      resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '128Mi', limit: '512Mi' } },
      memBufLimit: '64Mi',
      filesystemBufferLimit: '2Gi',
    },
    jaeger: {
      image: IMAGES.jaeger,
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '4Gi' } },
      storage: { type: 'badger', volume: { storageClass: 'gp3', size: '100Gi' }, retention: '168h' },
      sampling: { defaultProbability: 0.2, perService: { 'moe-inference': 0.05 } },
    },
  },
};
