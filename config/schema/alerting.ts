// Alert routing: Alertmanager, its receivers and the weekly windows that time notifications.
// A fragment of the environment schema.
import { z } from 'zod';
import { WEEKDAYS } from '../wall-clock';
import { dnsLabel, duration, HOST_PORT, image, memoryQuantity, resources } from './primitives';

const HTTPS_URL = /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[^\s]*)?$/;
const EMAIL = /^[^\s@]+@[a-z0-9.-]+\.[a-z]+$/;
const CLOCK = /^([01]\d|2[0-4]):[0-5]\d$/;

const httpsUrl = z
  .string()
  .regex(HTTPS_URL, { error: 'must be an https:// URL such as https://grafana.example.com' })
  .refine((value) => !value.endsWith('/'), { error: 'must not end with "/"' });
const emailAddress = z.string().regex(EMAIL, { error: 'must be an e-mail address such as oncall@example.com' });
const clock = z.string().regex(CLOCK, { error: 'must be a 24-hour time HH:MM such as 02:00 (00:00–24:00)' });
/** An IANA time zone such as UTC or Europe/Berlin; Alertmanager resolves it when it loads the config. */
const location = z.string().regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z_+-]+)+)$/, {
  error: 'must be an IANA time zone such as UTC or America/Los_Angeles',
});
const weekday = z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` });

/** A weekly window [start, end) on the given days, in `location`. */
export const weeklyWindow = z
  .strictObject({ weekdays: z.array(weekday).min(1, { error: 'must name at least one weekday' }), start: clock, end: clock, location })
  .refine((value) => value.start < value.end, { error: 'start must be before end', path: ['end'] });

export const alertmanagerSchema = z.strictObject({
  image,
  /** Peers gossip silences and the notification log, so any replica can send and none sends twice. */
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(5, { error: 'must be at most 5' }),
  /** How long silences and the notification log are kept (`--data.retention`). */
  retention: duration,
  storage: z.strictObject({ storageClass: dnsLabel, size: memoryQuantity }),
  resources,
});

export const receiversSchema = z.strictObject({
  /**
   * Kubernetes Secret (created by the Pulumi program from secret stack config) holding the receiver credentials as files:
   * `pagerduty-routing-key` or `pager-webhook-token`, `slack-api-url`, `smtp-password`, `heartbeat-token`.
   */
  credentialsSecret: dnsLabel,
  pager: z.discriminatedUnion(
    'type',
    [z.strictObject({ type: z.literal('pagerduty') }), z.strictObject({ type: z.literal('webhook'), url: httpsUrl })],
    { error: 'type must be one of pagerduty, webhook' },
  ),
  email: z.strictObject({
    to: emailAddress,
    from: emailAddress,
    smarthost: z.string().regex(HOST_PORT, { error: 'must be host:port such as smtp.example.com:587' }),
    authUsername: z.string().min(1, { error: 'must name the SMTP user' }),
  }),
  chat: z.strictObject({ channel: z.string().regex(/^#[a-z0-9_-]+$/, { error: 'must be a Slack channel such as #moe-lab-alerts' }) }),
  /** Dead man's switch: receives the always-firing Watchdog, and pages when it stops arriving. */
  heartbeat: z.strictObject({ url: httpsUrl }),
});

export const alertingSchema = z.strictObject({
  /** `runbook_url` is `<runbookBaseUrl>/<AlertName>.md`: where docs/runbooks of this repository is served. */
  runbookBaseUrl: httpsUrl,
  /** `dashboard_url` is `<grafanaUrl>/d/<uid>`. */
  grafanaUrl: httpsUrl,
  alertmanager: alertmanagerSchema,
  receivers: receiversSchema,
  /** When P3 notifications are delivered (batched into business hours). */
  businessHours: weeklyWindow,
  /** Weekly maintenance window in which warning/P2/P3 notifications are muted; P0 and critical never are. */
  maintenanceWindow: weeklyWindow,
});

export type AlertingSettings = z.output<typeof alertingSchema>;
export type WeeklyWindow = z.output<typeof weeklyWindow>;
