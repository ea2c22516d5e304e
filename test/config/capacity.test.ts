import { ENVIRONMENT_INPUTS, environmentSchema } from '../../config';
import { capacityProblems, estimateCapacity } from '../../config/capacity';

const settings = (overrides: { size?: string; memoryLimit?: string } = {}) =>
  environmentSchema.parse({
    ...ENVIRONMENT_INPUTS.dev,
    prometheus: {
      ...ENVIRONMENT_INPUTS.dev.prometheus,
      scrapeInterval: '15s',
      retention: '10d',
      storage: { storageClass: 'gp3', size: overrides.size ?? '10Gi' },
      resources: { cpu: { request: '1', limit: '2' }, memory: { request: '256Mi', limit: overrides.memoryLimit ?? '1Gi' } },
    },
    fleet: { cpuNodes: 2, gpuNodes: 2, gpusPerNode: 4, pods: 100 },
  });

describe('capacity model', () => {
  it('GIVEN 4 nodes, 8 GPUs, 100 pods, 15s scrape, 10d retention WHEN estimated THEN the figures match the hand calculation', () => {
    // series  = 4 nodes × 1050 + 8 GPUs × 40 + 100 pods × 137 + 6000 fixed    = 24,220
    // samples = 24,220 / 15 s                                                   = 1,614.67/s
    // disk    = 1,614.67/s × 864,000 s × 2 B                                    = 2,790,144,000 B
    // volume  = disk / 0.8 (size retention keeps 20 % for WAL and compaction)   = 3,487,680,000 B
    // memory  = 256 MiB + 24,220 × 4 KiB × 2 (churn) = 268,435,456 + 198,410,240 = 466,845,696 B
    // size retention on a 10Gi volume = 0.8 × 10,737,418,240                    = 8,589,934,592 B
    const e = estimateCapacity(settings());
    expect(e.activeSeries).toBe(24220);
    expect(e.samplesPerSecond).toBeCloseTo(1614.667, 3);
    expect(e.diskBytes).toBeCloseTo(2_790_144_000, 0);
    expect(e.requiredVolumeBytes).toBeCloseTo(3_487_680_000, 0);
    expect(e.memoryBytes).toBe(466_845_696);
    expect(e.retentionSizeBytes).toBe(8_589_934_592);
  });

  it('GIVEN a volume just above the requirement WHEN checked THEN there is no problem, and just below THEN the size is refused', () => {
    // 3,487,680,000 B = 3,326.11 MiB
    expect(capacityProblems(settings({ size: '3327Mi' }))).toEqual([]);
    const problems = capacityProblems(settings({ size: '3326Mi' }));
    expect(problems.map((p) => p.path)).toEqual(['prometheus.storage.size']);
  });

  it('GIVEN a memory limit below the estimate WHEN checked THEN the memory limit is refused', () => {
    // 466,845,696 B = 445.2 MiB
    expect(capacityProblems(settings({ memoryLimit: '446Mi' }))).toEqual([]);
    expect(capacityProblems(settings({ memoryLimit: '445Mi' })).map((p) => p.path)).toEqual(['prometheus.resources.memory.limit']);
  });
});
