import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments } from '../../config';
import { loggingSchema } from '../../config/schema/logging';

const issuesOf = (input: unknown) => {
  const result = loggingSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};
/** The prod settings as plain mutable data, so a case can break one field. */
const withChange = (change: (input: Record<string, Record<string, unknown>>) => void) => {
  const input = structuredClone(ENVIRONMENT_INPUTS.prod.logging) as unknown as Record<string, Record<string, unknown>>;
  change(input);
  return input;
};

describe('logging settings', () => {
  it('GIVEN the checked-in environments THEN their logging settings pass the schema', () => {
    for (const [name, input] of Object.entries(ENVIRONMENT_INPUTS)) expect([name, issuesOf(input.logging)]).toEqual([name, []]);
  });

  it('GIVEN the environments THEN dev keeps logs on the volume and traces in memory, staging and prod use S3 and Badger', () => {
    const byEnv = Object.fromEntries(loadEnvironments().map((env) => [env.name, env.logging]));
    expect(byEnv.dev.loki.objectStorage.type).toBe('filesystem');
    expect(byEnv.dev.jaeger.storage.type).toBe('memory');
    for (const env of ['staging', 'prod']) {
      expect(byEnv[env].loki.objectStorage).toMatchObject({ type: 's3', bucket: `moe-lab-logs-${env}` });
      expect(byEnv[env].jaeger.storage.type).toBe('badger');
    }
    // Prod keeps a month of logs; dev two weeks.
    expect([byEnv.dev.loki.retention, byEnv.prod.loki.retention]).toEqual(['14d', '30d']);
  });

  it.each([
    [
      'an unknown object storage type',
      (i: Record<string, Record<string, unknown>>) => (i.loki.objectStorage = { type: 'gcs' }),
      'loki.objectStorage.type: type must be one of filesystem, s3',
    ],
    [
      'an S3 bucket name with upper case',
      (i: Record<string, Record<string, unknown>>) => ((i.loki.objectStorage as Record<string, unknown>).bucket = 'Moe-Logs'),
      'loki.objectStorage.bucket: must be a valid S3 bucket name',
    ],
    [
      'an unknown Jaeger storage',
      (i: Record<string, Record<string, unknown>>) => (i.jaeger.storage = { type: 'cassandra' }),
      'jaeger.storage.type: type must be one of memory, badger',
    ],
    [
      'a sampling probability above 1',
      (i: Record<string, Record<string, unknown>>) => (i.jaeger.sampling = { defaultProbability: 1.5, perService: {} }),
      'jaeger.sampling.defaultProbability: must be at most 1',
    ],
    [
      'a service name that is not a DNS label',
      (i: Record<string, Record<string, unknown>>) => (i.jaeger.sampling = { defaultProbability: 0.1, perService: { Moe_Inference: 0.1 } }),
      'jaeger.sampling.perService.Moe_Inference: must be a DNS-1123 label',
    ],
    [
      'a retention without unit',
      (i: Record<string, Record<string, unknown>>) => (i.loki.retention = '30'),
      'loki.retention: must be a Prometheus duration',
    ],
    [
      'a zero ingestion rate',
      (i: Record<string, Record<string, unknown>>) => ((i.loki.limits as Record<string, unknown>).ingestionRateMb = 0),
      'loki.limits.ingestionRateMb: must be above 0',
    ],
    [
      'an unknown Fluent Bit field',
      (i: Record<string, Record<string, unknown>>) => (i.fluentBit.flush = '1s'),
      'fluentBit: Unrecognized key: "flush"',
    ],
  ])('GIVEN %s THEN the schema names the field and what is allowed', (_case, change, expected) => {
    expect(issuesOf(withChange(change))).toEqual([expect.stringContaining(expected)]);
  });

  it('GIVEN a bad logging field in one environment WHEN the environments load THEN one ConfigError names the environment and field', () => {
    const inputs = structuredClone(ENVIRONMENT_INPUTS) as Record<string, { logging: { loki: { objectStorage: unknown } } }>;
    inputs.staging.logging.loki.objectStorage = { type: 's3', bucket: 'moe-lab-logs-staging', roleArn: 'not-an-arn' };
    expect(() => loadEnvironments(undefined, inputs)).toThrow(ConfigError);
    expect(() => loadEnvironments(undefined, inputs)).toThrow(
      /environment "staging": logging\.loki\.objectStorage\.roleArn: must be an IAM role ARN/,
    );
  });
});
