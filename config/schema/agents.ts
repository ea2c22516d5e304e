// The cluster agents. A fragment of the environment schema.
import { z } from 'zod';
import { image, resources } from './primitives';

const MAX_TIME_SLICES = 16;

/** GPU time-slicing: each GPU is advertised as `replicas` nvidia.com/gpu, shared without memory isolation. */
const timeSlicing = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }),
    replicas: z
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_TIME_SLICES, { error: `must be at most ${MAX_TIME_SLICES}` }),
  })
  .superRefine((value, ctx) => {
    if (value.enabled && value.replicas < 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicas'],
        message: `${value.replicas} slice per GPU shares nothing; with enabled: true use 2-${MAX_TIME_SLICES}, or set enabled: false`,
      });
    }
  });

const agent = z.strictObject({ image, resources });

/** The cluster agents: GPU device plugin, DCGM exporter, node-exporter and kube-state-metrics. */
export const agentsSchema = z.strictObject({
  devicePlugin: z.strictObject({ image, resources, timeSlicing }),
  dcgmExporter: agent,
  nodeExporter: agent,
  kubeStateMetrics: agent,
});

export type AgentsSettings = z.output<typeof agentsSchema>;
export type TimeSlicingSettings = AgentsSettings['devicePlugin']['timeSlicing'];
