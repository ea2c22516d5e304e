import { ENVIRONMENT_INPUTS, loadEnvironments } from '../../config';
import { readStackInfra } from '../../config/stack-files';
import { problemsAfterChange } from '../helpers/config-problems';
import { MEMBER_FEDERATE_SERVICE } from '../../contracts/services';

type Federation = {
  role: string;
  globalSources: string[];
  global?: Record<string, unknown>;
  members: Array<Record<string, unknown>>;
};
type EnvName = 'dev' | 'staging' | 'prod';

/** Loads every environment with one change to one environment's federation settings; returns the problems. */
const loadProblems = (env: EnvName, change: (federation: Federation) => void) =>
  problemsAfterChange<{ federation: Federation }>(env, (input) => change(input.federation));

const remoteMember = { name: 'moe-lab-eu', endpoint: 'http://10.40.0.10:9090' };
const token = { name: 'federation-token', key: 'token' };

describe('federation settings', () => {
  it('GIVEN the checked-in environments THEN they load without a federation problem', () => {
    expect(loadProblems('prod', () => {})).toEqual([]);
  });

  it.each<[string, EnvName, (f: Federation) => void, string, RegExp]>([
    ['a global environment without global settings', 'prod', (f) => delete f.global, 'federation.global', /missing/],
    ['a member no global network may reach', 'dev', (f) => (f.globalSources = []), 'federation.globalSources', /at least one CIDR/],
    ['a global environment without members', 'prod', (f) => (f.members = []), 'federation.members', /at least one member/],
    ['a member that lists members', 'dev', (f) => f.members.push(remoteMember), 'federation.members', /only .*role global/],
    [
      'a member with global settings',
      'staging',
      (f) => (f.global = structuredClone(ENVIRONMENT_INPUTS.prod.federation.global)),
      'federation.global',
      /only .*role global/,
    ],
    ['a member cluster listed twice', 'prod', (f) => f.members.push({ ...f.members[0] }), 'federation.members.3.name', /listed twice/],
    [
      'an endpoint with the /federate path',
      'prod',
      (f) => (f.members[0].endpoint = 'http://10.40.0.10:9090/federate'),
      'federation.members.0.endpoint',
      /without a path/,
    ],
    ['an ftp:// endpoint', 'prod', (f) => (f.members[0].endpoint = 'ftp://10.40.0.10:9090'), 'federation.members.0.endpoint', /http\(s\)/],
    [
      'a bearer token to an http endpoint',
      'prod',
      (f) => (f.members[0].bearerTokenSecret = token),
      'federation.members.0.endpoint',
      /must be https:\/\/ .*clear text/,
    ],
    [
      'a CA bundle for an http endpoint',
      'prod',
      (f) => (f.members[1].tls = { caSecret: token }),
      'federation.members.1.endpoint',
      /must be https:\/\//,
    ],
    ['a prefix length above 32', 'dev', (f) => (f.globalSources = ['10.30.0.0/33']), 'federation.globalSources.0', /IPv4 CIDR/],
    ['a CIDR without prefix length', 'staging', (f) => (f.globalSources = ['10.30.0.0']), 'federation.globalSources.0', /IPv4 CIDR/],
    ['a misspelt role', 'dev', (f) => (f.role = 'memebr'), 'federation.role', /member, global/],
  ])('GIVEN %s WHEN loaded THEN exactly that field is named', (_case, env, change, field, message) => {
    const problems = loadProblems(env, change);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`environment "${env}": ${field}: `)).toBe(true);
    expect(problems[0]).toMatch(message);
  });

  it('GIVEN a bearer token to an https endpoint WHEN loaded THEN it is accepted', () => {
    expect(
      loadProblems('prod', (f) => (f.members[0] = { ...f.members[0], endpoint: 'https://10.40.0.10:9443', bearerTokenSecret: token })),
    ).toEqual([]);
  });
});

describe('the checked-in federation', () => {
  const environments = loadEnvironments();
  const byName = Object.fromEntries(environments.map((env) => [env.name, env]));

  it('GIVEN prod THEN it runs the global Prometheus over exactly the clusters of the environments, each once', () => {
    const federation = byName.prod.federation;
    expect(federation.role).toBe('global');
    expect(federation.global).toBeDefined();
    const clusters = environments.map((env) => env.cluster.name).sort();
    expect(federation.members.map((member) => member.name).sort()).toEqual(clusters);
    expect(environments.filter((env) => env.federation.role === 'global').map((env) => env.name)).toEqual(['prod']);
  });

  it('GIVEN prod federates itself THEN its own member is the in-cluster federate Service and the others are reached over the network', () => {
    const { federation, cluster, namespaces } = byName.prod;
    const own = federation.members.find((member) => member.name === cluster.name)!;
    expect(own.endpoint).toBe(`http://${MEMBER_FEDERATE_SERVICE.name}.${namespaces.monitoring}.svc:${MEMBER_FEDERATE_SERVICE.port}`);
    expect(federation.globalSources).toEqual([]);
    for (const member of federation.members.filter((m) => m !== own)) {
      expect(member.endpoint).not.toContain('.svc');
      expect(member.endpoint.endsWith(`:${MEMBER_FEDERATE_SERVICE.port}`)).toBe(true);
    }
  });

  it.each(['dev', 'staging'])('GIVEN %s THEN it is a member admitting only the prod VPC of Pulumi.prod.yaml', (name) => {
    const prodVpc = (readStackInfra('prod') as { network: { vpcCidr: string } }).network.vpcCidr;
    const { federation } = byName[name];
    expect(federation.role).toBe('member');
    expect(federation.members).toEqual([]);
    expect(federation.global).toBeUndefined();
    expect(federation.globalSources).toEqual([prodVpc]);
  });
});
