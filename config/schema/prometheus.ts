// The cluster's Prometheus. A fragment of the environment schema.
import { z } from 'zod';
import { dnsLabel, duration, image, memoryQuantity, resources } from './primitives';

export const prometheusSchema = z.strictObject({
  image,
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(5, { error: 'must be at most 5' }),
  scrapeInterval: duration,
  evaluationInterval: duration,
  retention: duration,
  storage: z.strictObject({ storageClass: dnsLabel, size: memoryQuantity }),
  resources,
});
