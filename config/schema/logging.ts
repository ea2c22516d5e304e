// Logs and traces: Loki, Fluent Bit and Jaeger. A fragment of the environment schema.
import { z } from 'zod';
import { bucketName, roleArn } from './aws';
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
