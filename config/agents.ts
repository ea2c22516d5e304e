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

const IMAGES = {
  devicePlugin: { repository: 'nvcr.io/nvidia/k8s-device-plugin', tag: 'v0.17.1' },
  dcgmExporter: { repository: 'nvcr.io/nvidia/k8s/dcgm-exporter', tag: '4.2.3-4.1.3-ubuntu22.04' },
  nodeExporter: { repository: 'quay.io/prometheus/node-exporter', tag: 'v1.8.2' },
  kubeStateMetrics: { repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', tag: 'v2.14.0' },
} as const;

const small = { cpu: { request: '50m', limit: '200m' }, memory: { request: '64Mi', limit: '128Mi' } };

/**
 * Per-environment values. dev shares each GPU four ways so notebooks and small jobs fit on few
 * GPUs; staging and prod give every pod whole GPUs, since time slices share memory unisolated.
 * kube-state-metrics memory grows with the object count, so prod gets more.
 */
export const AGENTS_DEFAULTS: Readonly<Record<'dev' | 'staging' | 'prod', AgentsSettings>> = {
  dev: {
    devicePlugin: { image: IMAGES.devicePlugin, resources: small, timeSlicing: { enabled: true, replicas: 4 } },
    dcgmExporter: {
      image: IMAGES.dcgmExporter,
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    },
    nodeExporter: { image: IMAGES.nodeExporter, resources: small },
    kubeStateMetrics: {
      image: IMAGES.kubeStateMetrics,
      resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '128Mi', limit: '256Mi' } },
    },
  },
  staging: {
    devicePlugin: { image: IMAGES.devicePlugin, resources: small, timeSlicing: { enabled: false, replicas: 1 } },
    dcgmExporter: {
      image: IMAGES.dcgmExporter,
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    },
    nodeExporter: { image: IMAGES.nodeExporter, resources: small },
    kubeStateMetrics: {
      image: IMAGES.kubeStateMetrics,
      resources: { cpu: { request: '100m', limit: '300m' }, memory: { request: '192Mi', limit: '384Mi' } },
    },
  },
  prod: {
    devicePlugin: { image: IMAGES.devicePlugin, resources: small, timeSlicing: { enabled: false, replicas: 1 } },
    dcgmExporter: {
      image: IMAGES.dcgmExporter,
      resources: { cpu: { request: '200m', limit: '1' }, memory: { request: '384Mi', limit: '768Mi' } },
    },
    nodeExporter: {
      image: IMAGES.nodeExporter,
      resources: { cpu: { request: '100m', limit: '250m' }, memory: { request: '64Mi', limit: '128Mi' } },
    },
    kubeStateMetrics: {
      image: IMAGES.kubeStateMetrics,
      resources: { cpu: { request: '200m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    },
  },
};
