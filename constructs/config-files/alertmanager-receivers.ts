// The receivers of alertmanager.yml, built from an environment's alerting settings. Credentials never
// appear here: every secret is a `*_file` path into the mounted receivers Secret (see docs/alerting.md).
import type { AlertingSettings } from '../../config';

/** `type` defaults to Bearer; the token is read from `credentials_file` on every request. */
export interface HttpConfig {
  readonly authorization: { readonly credentials_file: string };
}

export interface PagerdutyConfig {
  readonly routing_key_file: string;
  readonly send_resolved: boolean;
  readonly severity: string;
  readonly description: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface EmailConfig {
  readonly to: string;
  readonly from: string;
  readonly smarthost: string;
  readonly auth_username: string;
  readonly auth_password_file: string;
  readonly require_tls: boolean;
  readonly send_resolved: boolean;
}

export interface SlackConfig {
  readonly api_url_file: string;
  readonly channel: string;
  readonly send_resolved: boolean;
  readonly title: string;
  readonly text: string;
}

/** Alertmanager 0.25 has no `url_file` here, so webhook URLs are not secret; the token is. */
export interface WebhookConfig {
  readonly url: string;
  readonly send_resolved: boolean;
  readonly http_config: HttpConfig;
}

export interface Receiver {
  readonly name: ReceiverName;
  readonly pagerduty_configs?: readonly PagerdutyConfig[];
  readonly email_configs?: readonly EmailConfig[];
  readonly slack_configs?: readonly SlackConfig[];
  readonly webhook_configs?: readonly WebhookConfig[];
}

export const RECEIVERS = {
  pager: 'team-pager',
  email: 'team-email',
  chat: 'oncall-chat',
  heartbeat: 'heartbeat',
} as const;
export type ReceiverName = (typeof RECEIVERS)[keyof typeof RECEIVERS];

/** File names (keys) in the receivers Secret, as `kubectl create secret generic … --from-file=<key>=…` creates them. */
export const SECRET_KEYS = {
  pagerdutyRoutingKey: 'pagerduty-routing-key',
  pagerWebhookToken: 'pager-webhook-token',
  slackApiUrl: 'slack-api-url',
  smtpPassword: 'smtp-password',
  heartbeatToken: 'heartbeat-token',
} as const;

export interface ReceiversProps {
  readonly receivers: AlertingSettings['receivers'];
  /** Absolute directory where the receivers Secret is mounted; every `*_file` points below it. */
  readonly secretsDir: string;
}

const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
  '{{ .CommonLabels.priority }} {{ .CommonLabels.alertname }} on {{ .CommonLabels.cluster }}';
const SLACK_TEXT = [
  '{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}',
  '{{ .Annotations.description }}',
  '{{ if .Annotations.runbook_url }}<{{ .Annotations.runbook_url }}|Runbook>{{ end }}' +
    '{{ if .Annotations.dashboard_url }} | <{{ .Annotations.dashboard_url }}|Dashboard>{{ end }}',
  '{{ end }}',
].join('\n');
const PAGER_DESCRIPTION =
  '[{{ .CommonLabels.priority }}] {{ .CommonLabels.alertname }} on {{ .CommonLabels.cluster }}: {{ .CommonAnnotations.summary }}';

const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]+$/i;

function check(field: string, value: string, ok: boolean, allowed: string): void {
  if (!ok) throw new Error(`alertmanager config ${field}: got "${value}"; ${allowed}`);
}

/** Throws naming the field when a receiver setting or the secrets directory is invalid. */
export function validateReceivers(props: ReceiversProps): void {
  const { receivers } = props;
  check('secretsDir', props.secretsDir, /^\/\S*[^/]$/.test(props.secretsDir), 'must be an absolute path without a trailing "/"');
  if (receivers.pager.type === 'webhook') {
    check('receivers.pager.url', receivers.pager.url, HTTPS_URL.test(receivers.pager.url), 'must be an https:// URL');
  }
  check('receivers.email.to', receivers.email.to, EMAIL.test(receivers.email.to), 'must be an e-mail address');
  check('receivers.email.from', receivers.email.from, EMAIL.test(receivers.email.from), 'must be an e-mail address');
  check('receivers.email.smarthost', receivers.email.smarthost, /^[^\s:]+:\d{1,5}$/.test(receivers.email.smarthost), 'must be host:port');
  check(
    'receivers.email.authUsername',
    receivers.email.authUsername,
    receivers.email.authUsername.trim() !== '',
    'must name the SMTP user',
  );
  check(
    'receivers.chat.channel',
    receivers.chat.channel,
    /^#[a-z0-9_-]+$/.test(receivers.chat.channel),
    'must be a channel such as #moe-lab-alerts',
  );
  check('receivers.heartbeat.url', receivers.heartbeat.url, HTTPS_URL.test(receivers.heartbeat.url), 'must be an https:// URL');
}

/** One receiver per notification channel, in the order alertmanager.yml lists them. */
export function buildReceivers(props: ReceiversProps): Receiver[] {
  const { receivers } = props;
  const secret = (key: string) => `${props.secretsDir}/${key}`;
  const pager: Receiver =
    receivers.pager.type === 'pagerduty'
      ? {
          name: RECEIVERS.pager,
          pagerduty_configs: [
            {
              routing_key_file: secret(SECRET_KEYS.pagerdutyRoutingKey),
              send_resolved: true,
              severity: 'critical',
              description: PAGER_DESCRIPTION,
              details: { runbook_url: '{{ .CommonAnnotations.runbook_url }}', dashboard_url: '{{ .CommonAnnotations.dashboard_url }}' },
            },
          ],
        }
      : {
          name: RECEIVERS.pager,
          webhook_configs: [
            {
              url: receivers.pager.url,
              send_resolved: true,
              http_config: { authorization: { credentials_file: secret(SECRET_KEYS.pagerWebhookToken) } },
            },
          ],
        };
  return [
    pager,
    {
      name: RECEIVERS.email,
      email_configs: [
        {
          to: receivers.email.to,
          from: receivers.email.from,
          smarthost: receivers.email.smarthost,
          auth_username: receivers.email.authUsername,
          auth_password_file: secret(SECRET_KEYS.smtpPassword),
          require_tls: true,
          send_resolved: true,
        },
      ],
    },
    {
      name: RECEIVERS.chat,
      slack_configs: [
        {
          api_url_file: secret(SECRET_KEYS.slackApiUrl),
          channel: receivers.chat.channel,
          send_resolved: true,
          title: SLACK_TITLE,
          text: SLACK_TEXT,
        },
      ],
    },
    {
      name: RECEIVERS.heartbeat,
      webhook_configs: [
        {
          url: receivers.heartbeat.url,
          // The heartbeat service only needs "still alive"; a resolved Watchdog would mean the opposite.
          send_resolved: false,
          http_config: { authorization: { credentials_file: secret(SECRET_KEYS.heartbeatToken) } },
        },
      ],
    },
  ];
}
