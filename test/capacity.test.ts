import { ENVIRONMENT_INPUTS, environmentSchema } from '../config';
import { capacityProblems, estimateCapacity } from '../config/capacity';

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
    // series  = 4 nodes × 950 + 8 GPUs × 40 + 100 pods × 130 + 3000 fixed      = 20,120
    // samples = 20,120 / 15 s                                                   = 1,341.33/s
    // disk    = 1,341.33/s × 864,000 s × 2 B                                    = 2,317,824,000 B
    // volume  = disk / 0.8 (size retention keeps 20 % for WAL and compaction)   = 2,897,280,000 B
    // memory  = 256 MiB + 20,120 × 4 KiB × 2 (churn) = 268,435,456 + 164,823,040 = 433,258,496 B
    // size retention on a 10Gi volume = 0.8 × 10,737,418,240                    = 8,589,934,592 B
    const e = estimateCapacity(settings());
    expect(e.activeSeries).toBe(20120);
    expect(e.samplesPerSecond).toBeCloseTo(1341.333, 3);
    expect(e.diskBytes).toBeCloseTo(2_317_824_000, 0);
    expect(e.requiredVolumeBytes).toBeCloseTo(2_897_280_000, 0);
    expect(e.memoryBytes).toBe(433_258_496);
    expect(e.retentionSizeBytes).toBe(8_589_934_592);
  });

  it('GIVEN a volume just above the requirement WHEN checked THEN there is no problem, and just below THEN the size is refused', () => {
    // 2,897,280,000 B = 2,763.06 MiB
    expect(capacityProblems(settings({ size: '2764Mi' }))).toEqual([]);
    const problems = capacityProblems(settings({ size: '2763Mi' }));
    expect(problems.map((p) => p.path)).toEqual(['prometheus.storage.size']);
  });

  it('GIVEN a memory limit below the estimate WHEN checked THEN the memory limit is refused', () => {
    // 433,258,496 B = 413.2 MiB
    expect(capacityProblems(settings({ memoryLimit: '414Mi' }))).toEqual([]);
    expect(capacityProblems(settings({ memoryLimit: '413Mi' })).map((p) => p.path)).toEqual(['prometheus.resources.memory.limit']);
  });
});
