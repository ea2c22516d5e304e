import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import { DASHBOARD_TITLES, dashboardUids, renderDashboards } from '../../dashboards';
import { DATASOURCES, GLOBAL_PROMETHEUS_DATASOURCE } from '../../dashboards/lib/datasources';
import { loadManifests, podSpecOf, type KubeObject } from '../helpers/manifests';
import { readTree, removeDir, synthToTemp } from '../helpers/synth-tmp';

let dist: string;
beforeAll(() => (dist = synthToTemp()));
afterAll(() => removeDir(dist));

interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
  emptyDir?: object;
  projected?: { sources: Array<{ configMap: { name: string } }> };
}
interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}
interface GrafanaContainer {
  image: string;
  env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  ports: Array<{ name: string; containerPort: number }>;
  volumeMounts: Mount[];
  securityContext: Record<string, unknown>;
  resources: unknown;
  readinessProbe: unknown;
  livenessProbe: unknown;
  startupProbe: unknown;
}
interface Datasource {
  uid: string;
  name: string;
  type: string;
  url: string;
  isDefault?: boolean;
  editable: boolean;
  jsonData: Record<string, unknown>;
}
type WithSpec = KubeObject & { spec: Record<string, unknown> };

// Parsed once per environment: grafana.yaml carries every dashboard, and re-parsing it per lookup is slow.
const parsed = new Map<string, ReturnType<typeof loadManifests>>();
const objects = (env: string) => {
  if (!parsed.has(env)) parsed.set(env, loadManifests(join(dist, env)));
  return parsed.get(env)!;
};
const find = (env: string, kind: string, name: string) => {
  const found = objects(env).find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found;
};
const deployment = (env: string) => find(env, 'Deployment', 'grafana').object as WithSpec;
const podSpec = (env: string) => podSpecOf(deployment(env)) as unknown as { volumes: Volume[]; automountServiceAccountToken?: boolean };
const container = (env: string) => podSpecOf(deployment(env))!.containers[0] as unknown as GrafanaContainer;
const configData = (env: string, name: string) =>
  (find(env, 'ConfigMap', name).object as KubeObject & { data: Record<string, string> }).data;
const distFile = (env: string, path: string) => readFileSync(join(dist, env, 'config', path), 'utf8');
const envVar = (env: string, name: string) => container(env).env.find((e) => e.name === name)?.value;
/** The volume mounted at `mountPath`, so a test can follow a path to what backs it. */
const volumeAt = (env: string, mountPath: string) => {
  const mount = container(env).volumeMounts.find((m) => m.mountPath === mountPath);
  return { mount, volume: podSpec(env).volumes.find((v) => v.name === mount?.name) };
};
/** grafana.ini as `section.key` → value; Grafana's own format, parsed independently of the renderer. */
const parseIni = (text: string) => {
  const values = new Map<string, string>();
  let section = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1];
    else values.set(`${section}.${line.slice(0, line.indexOf('=')).trim()}`, line.slice(line.indexOf('=') + 1).trim());
  }
  return values;
};
const expectedReplicas: Record<string, number> = { dev: 1, staging: 1, prod: 2 };

describe.each(ENVIRONMENT_NAMES)('Grafana objects of %s', (env) => {
  const settings = loadEnvironments([env])[0];
  // The environment running the global Prometheus also provisions its datasource and the fleet dashboard.
  const isGlobal = settings.federation.role === 'global';
  const DASHBOARD_UIDS = dashboardUids(settings.federation.role);

  it('GIVEN the synthesized output THEN every Grafana object is in grafana.yaml in the monitoring namespace', () => {
    for (const [kind, name] of [
      ['Deployment', 'grafana'],
      ['Service', 'grafana'],
      ['ServiceAccount', 'grafana'],
      ['PodDisruptionBudget', 'grafana'],
      ['NetworkPolicy', 'grafana'],
      ['ConfigMap', 'grafana-config'],
      ['ConfigMap', 'grafana-datasources'],
      ['ConfigMap', 'grafana-dashboard-provider'],
    ]) {
      const { file, object } = find(env, kind, name);
      expect([kind, name, file, object.metadata.namespace]).toEqual([kind, name, 'grafana.yaml', settings.namespaces.monitoring]);
    }
  });

  it('GIVEN the Deployment THEN replicas, pinned image and database mode follow the config', () => {
    expect(deployment(env).spec.replicas).toBe(expectedReplicas[env]);
    expect(container(env).image).toBe(`${settings.grafana.image.repository}:${settings.grafana.image.tag}`);
    const postgres = settings.grafana.database.type === 'postgres';
    expect(postgres).toBe(env === 'prod');
    expect(envVar(env, 'GF_DATABASE_TYPE')).toBe(postgres ? 'postgres' : 'sqlite3');
    // More than one replica must not schedule two pods on one node.
    expect(JSON.stringify(podSpecOf(deployment(env))).includes('podAntiAffinity')).toBe(expectedReplicas[env] > 1);
  });

  it('GIVEN the environment variables THEN no credential has a literal value; the admin login is read from the admin Secret', () => {
    for (const variable of container(env).env) {
      if (/PASSWORD|USER|SECRET|TOKEN|KEY/.test(variable.name))
        expect([variable.name, variable.name.endsWith('__FILE')]).toEqual([variable.name, true]);
    }
    for (const [name, key] of [
      ['GF_SECURITY_ADMIN_USER__FILE', 'admin-user'],
      ['GF_SECURITY_ADMIN_PASSWORD__FILE', 'admin-password'],
    ]) {
      const path = envVar(env, name)!;
      expect(path.endsWith(`/${key}`)).toBe(true);
      const { mount, volume } = volumeAt(env, path.slice(0, path.lastIndexOf('/')));
      expect([name, mount?.readOnly, volume?.secret?.secretName]).toEqual([name, true, settings.grafana.adminSecret]);
    }
  });

  it('GIVEN the database mode THEN postgres reads its login from its Secret with the configured sslmode, and sqlite lives on an emptyDir', () => {
    const { database } = settings.grafana;
    if (database.type === 'postgres') {
      expect([envVar(env, 'GF_DATABASE_HOST'), envVar(env, 'GF_DATABASE_NAME')]).toEqual([database.host, database.name]);
      expect(envVar(env, 'GF_DATABASE_SSL_MODE')).toBe(database.sslMode);
      for (const [name, key] of [
        ['GF_DATABASE_USER__FILE', 'username'],
        ['GF_DATABASE_PASSWORD__FILE', 'password'],
      ]) {
        const path = envVar(env, name)!;
        expect(path.endsWith(`/${key}`)).toBe(true);
        expect(volumeAt(env, path.slice(0, path.lastIndexOf('/'))).volume?.secret?.secretName).toBe(database.credentialsSecret);
      }
    } else {
      expect(envVar(env, 'GF_DATABASE_HOST')).toBeUndefined();
      expect(
        podSpec(env)
          .volumes.filter((v) => v.secret)
          .map((v) => v.secret!.secretName),
      ).toEqual([settings.grafana.adminSecret]);
    }
    expect(volumeAt(env, '/var/lib/grafana').volume?.emptyDir).toEqual({});
  });

  it('GIVEN the container THEN it runs as the grafana user on a read-only root filesystem, writing only to two emptyDirs', () => {
    expect(container(env).securityContext).toMatchObject({ runAsUser: 472, runAsNonRoot: true, readOnlyRootFilesystem: true });
    const writable = container(env).volumeMounts.filter((m) => !m.readOnly);
    expect(writable.map((m) => m.mountPath).sort()).toEqual(['/tmp', '/var/lib/grafana']);
    for (const mount of writable) expect(volumeAt(env, mount.mountPath).volume?.emptyDir).toBeDefined();
  });

  it('GIVEN the probes and resources THEN all three probes ask /api/health on 3000 and resources come from the config', () => {
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      expect([probe, container(env)[probe]]).toEqual([
        probe,
        expect.objectContaining({ httpGet: expect.objectContaining({ path: '/api/health', port: 3000 }) }),
      ]);
    }
    const { cpu, memory } = ENVIRONMENT_INPUTS[env].grafana.resources;
    const millis = (q: string) => (q.endsWith('m') ? q : `${Number(q) * 1000}m`);
    const mebis = (q: string) => (q.endsWith('Gi') ? `${Number(q.slice(0, -2)) * 1024}Mi` : q);
    expect(container(env).resources).toEqual({
      requests: { cpu: millis(cpu.request), memory: mebis(memory.request) },
      limits: { cpu: millis(cpu.limit), memory: mebis(memory.limit) },
    });
  });

  it('GIVEN grafana.ini THEN anonymous access and sign-up are off, cookies secure, root URL from the config, same bytes as dist/', () => {
    const ini = configData(env, 'grafana-config')['grafana.ini'];
    expect(ini).toBe(distFile(env, 'grafana/grafana.ini'));
    const values = parseIni(ini);
    expect(values.get('auth.anonymous.enabled')).toBe('false');
    expect(values.get('users.allow_sign_up')).toBe('false');
    expect(values.get('security.cookie_secure')).toBe('true');
    expect(values.get('server.root_url')).toBe(settings.alerting.grafanaUrl);
    expect([...values.keys()].filter((key) => /password|secret_key/.test(key))).toEqual([]);
    expect(volumeAt(env, '/etc/grafana/grafana.ini').mount).toMatchObject({ subPath: 'grafana.ini', readOnly: true });
  });

  it('GIVEN grafana.ini THEN Grafana evaluates no alert rules of its own and installs no plugins at start-up', () => {
    const values = parseIni(configData(env, 'grafana-config')['grafana.ini']);
    // Alerting stays with Prometheus and Alertmanager; a second engine on every replica would page twice.
    expect(values.get('unified_alerting.execute_alerts')).toBe('false');
    // The egress policy allows in-cluster backends only, so a download at start-up could only fail.
    expect(values.get('plugins.preinstall_disabled')).toBe('true');
  });

  it('GIVEN datasources.yaml THEN the datasources have the fixed uids, Prometheus alone is default, and URLs reach the Services', () => {
    const text = configData(env, 'grafana-datasources')['datasources.yaml'];
    expect(text).toBe(distFile(env, 'grafana/provisioning/datasources/datasources.yaml'));
    const datasources = (parse(text) as { datasources: Datasource[] }).datasources;
    const byUidOrder = (a: { uid: string }, b: { uid: string }) => a.uid.localeCompare(b.uid);
    expect(datasources.map(({ uid, name, type }) => ({ uid, name, type })).sort(byUidOrder)).toEqual(
      [...Object.values(DATASOURCES), ...(isGlobal ? [GLOBAL_PROMETHEUS_DATASOURCE] : [])].sort(byUidOrder),
    );
    expect(datasources.filter((d) => d.isDefault).map((d) => d.uid)).toEqual([DATASOURCES.prometheus.uid]);
    expect(datasources.every((d) => d.editable === false)).toBe(true);
    for (const [uid, file, name] of [
      [DATASOURCES.prometheus.uid, 'prometheus.yaml', 'prometheus'],
      [DATASOURCES.alertmanager.uid, 'alertmanager.yaml', 'alertmanager'],
      ...(isGlobal ? [[GLOBAL_PROMETHEUS_DATASOURCE.uid, 'prometheus-global.yaml', 'prometheus-global']] : []),
    ]) {
      const url = new URL(datasources.find((d) => d.uid === uid)!.url);
      const service = find(env, 'Service', name);
      const ports = (service.object.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port);
      expect([service.file, url.hostname]).toEqual([file, `${name}.${service.object.metadata.namespace}.svc`]);
      expect(ports).toContain(Number(url.port));
    }
    const byUid = (uid: string) => datasources.find((d) => d.uid === uid)!.jsonData;
    expect(byUid(DATASOURCES.loki.uid).derivedFields).toEqual([expect.objectContaining({ datasourceUid: DATASOURCES.jaeger.uid })]);
    expect(byUid(DATASOURCES.jaeger.uid).tracesToLogsV2).toMatchObject({ datasourceUid: DATASOURCES.loki.uid });
    expect(volumeAt(env, '/etc/grafana/provisioning/datasources').volume?.configMap?.name).toBe('grafana-datasources');
  });

  it('GIVEN the dashboards THEN each uid has its ConfigMap of SDK JSON, identical to dist/, all projected where the provider reads', () => {
    const rendered = renderDashboards(settings.alerting, settings.federation.role);
    const dashboardMaps = objects(env).filter(
      ({ object }) => object.kind === 'ConfigMap' && /^grafana-dashboard-(?!provider$)/.test(object.metadata.name),
    );
    expect(dashboardMaps.map(({ object }) => object.metadata.name).sort()).toEqual(
      DASHBOARD_UIDS.map((uid) => `grafana-dashboard-${uid}`).sort(),
    );
    for (const uid of DASHBOARD_UIDS) {
      const data = configData(env, `grafana-dashboard-${uid}`);
      expect(Object.keys(data)).toEqual([`${uid}.json`]);
      const json = JSON.parse(data[`${uid}.json`]) as { uid: string; title: string };
      expect([json.uid, json.title]).toEqual([uid, DASHBOARD_TITLES[uid]]);
      expect(data[`${uid}.json`]).toBe(distFile(env, `dashboards/${uid}.json`));
      expect(data[`${uid}.json`]).toBe(rendered.get(`${uid}.json`));
    }
    const provider = parse(configData(env, 'grafana-dashboard-provider')['dashboards.yaml']) as {
      providers: Array<{ folder: string; disableDeletion: boolean; allowUiUpdates: boolean; options: { path: string } }>;
    };
    expect(provider.providers).toEqual([
      expect.objectContaining({ folder: 'GPU Observability', disableDeletion: true, allowUiUpdates: false }),
    ]);
    const { mount, volume } = volumeAt(env, provider.providers[0].options.path);
    expect(mount?.readOnly).toBe(true);
    expect(volume?.projected?.sources.map((s) => s.configMap.name).sort()).toEqual(
      DASHBOARD_UIDS.map((uid) => `grafana-dashboard-${uid}`).sort(),
    );
    expect([...readTree(join(dist, env, 'config', 'dashboards')).keys()].sort()).toEqual(DASHBOARD_UIDS.map((uid) => `${uid}.json`).sort());
  });

  it('GIVEN the Service, budget and ServiceAccount THEN port 3000 (http) selects the pods, one may be disrupted, no token is mounted', () => {
    const podLabels = deployment(env).spec.template!.metadata!.labels!;
    const service = find(env, 'Service', 'grafana').object as KubeObject & {
      spec: { ports: Array<{ name: string; port: number; targetPort: number }>; selector: Record<string, string> };
    };
    expect(service.spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 3000 }]);
    expect(container(env).ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    const pdb = find(env, 'PodDisruptionBudget', 'grafana').object as KubeObject & {
      spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(pdb.spec.maxUnavailable).toBe(1);
    for (const selector of [service.spec.selector, pdb.spec.selector.matchLabels]) {
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(selector)) expect(podLabels[key]).toBe(value);
    }
    expect(find(env, 'ServiceAccount', 'grafana').object.automountServiceAccountToken).toBe(false);
    expect(podSpec(env).automountServiceAccountToken).toBe(false);
  });

  it('GIVEN the NetworkPolicy THEN 3000 is open to the monitoring namespace, egress reaches DNS, the backends and only with postgres the database', () => {
    type Rule = { ports: Array<{ port: number; protocol: string }> };
    const policy = find(env, 'NetworkPolicy', 'grafana').object as KubeObject & {
      spec: { policyTypes: string[]; ingress: Rule[]; egress: Rule[] };
    };
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(policy.spec.ingress.flatMap((r) => r.ports)).toEqual([{ port: 3000, protocol: 'TCP' }]);
    const egressPorts = new Set(policy.spec.egress.flatMap((r) => r.ports.map((p) => `${p.port}/${p.protocol}`)));
    for (const port of ['53/UDP', '53/TCP', '9090/TCP', '9093/TCP']) expect([port, egressPorts.has(port)]).toEqual([port, true]);
    const { database } = settings.grafana;
    expect(egressPorts.has('5432/TCP')).toBe(database.type === 'postgres' && database.host.endsWith(':5432'));
  });
});
