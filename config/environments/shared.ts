import type { EnvironmentInput } from '../schema';

/** What every environment shares unless it says otherwise. Images are pinned; bump them here. */
export const shared = {
  namespaces: { monitoring: 'monitoring', moeLab: 'moe-lab', mage: 'mage' },
  prometheusImage: { repository: 'quay.io/prometheus/prometheus', tag: 'v2.53.4' },
  scrapeInterval: '15s',
  storageClass: 'gp3',
} as const satisfies {
  namespaces: EnvironmentInput['namespaces'];
  prometheusImage: EnvironmentInput['prometheus']['image'];
  scrapeInterval: string;
  storageClass: string;
};
