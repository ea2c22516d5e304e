import type { RuleTestCase } from '../types';
import { alertmanagerCases } from './alertmanager';
import { TRAINER_POD, upSeries } from './fixtures';
import { prometheusCases } from './prometheus';
import { recordingCases } from './recording';
import { targetCases } from './targets';

export const metaCases: readonly RuleTestCase[] = [
  {
    // Watchdog has no silent case: `vector(1)` fires on every evaluation by design. Its silence is
    // the alarm, and that is detected outside Prometheus, by the heartbeat service.
    name: 'Watchdog fires from the first evaluation, with no labels but severity and priority',
    series: upSeries([TRAINER_POD], '1x5'),
    alerts: [
      {
        alert: 'Watchdog',
        at: '0m',
        fires: [
          {
            labels: { severity: 'info', priority: 'P3' },
            summary: "Alerting pipeline heartbeat; always firing, routed only to the dead man's switch",
            description:
              "This alert always fires, to prove that Prometheus evaluates rules and Alertmanager delivers notifications. It is routed only to the dead man's switch heartbeat receiver, which pages when the heartbeat stops arriving; it must never be silenced or inhibited.",
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  ...targetCases,
  ...prometheusCases,
  ...alertmanagerCases,
  ...recordingCases,
];
