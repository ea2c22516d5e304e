import type { MetricUnit } from '../../rules/catalog';

/** Grafana's unit id for each catalog unit, so a panel shows a value the way the catalog defines it. */
export const GRAFANA_UNITS: Readonly<Record<MetricUnit, string>> = {
  seconds: 's',
  bytes: 'bytes',
  mebibytes: 'mbytes',
  percent: 'percent',
  ratio: 'percentunit',
  celsius: 'celsius',
  watts: 'watt',
  megahertz: 'suffix:MHz',
  cores: 'short',
  tokens_per_second: 'suffix:tok/s',
  requests_per_second: 'reqps',
  episodes_per_second: 'suffix:ep/s',
  samples_per_second: 'suffix:samples/s',
  updates_per_second: 'suffix:updates/s',
  errors_per_second: 'suffix:err/s',
  tokens: 'short',
  episodes: 'short',
  samples: 'short',
  updates: 'short',
  checkpoints: 'short',
  errors: 'short',
  restarts: 'short',
  count: 'short',
  none: 'none',
};
