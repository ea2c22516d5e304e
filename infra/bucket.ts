// One S3 bucket with the settings every bucket of the stack needs: owner-enforced (no ACLs), all
// public access blocked, SSE-KMS with a bucket key, versioning, TLS-only access and a lifecycle.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { policyDocument } from './policies';

export interface SecureBucketArgs {
  /** The bucket's global name, from the environment config. */
  readonly bucket: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Expire current objects after this many days. @default - objects are kept until their owner deletes them */
  readonly expireAfterDays?: number;
  /** Delete overwritten or deleted versions after this many days. */
  readonly noncurrentVersionDays: number;
}

export class SecureBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:SecureBucket', name, {}, opts);
    const parent = { parent: this };
    // Backups and log chunks must outlive a mistaken `pulumi destroy`: no forceDestroy, and protected.
    this.bucket = new aws.s3.Bucket(name, { bucket: args.bucket, forceDestroy: false }, { ...parent, protect: true });
    const bucket = this.bucket.id;
    new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } }, parent);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket,
        rules: [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true },
        ],
      },
      parent,
    );
    const versioning = new aws.s3.BucketVersioning(name, { bucket, versioningConfiguration: { status: 'Enabled' } }, parent);
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket,
        rules: [
          {
            id: 'retention',
            status: 'Enabled',
            filter: {},
            expiration: args.expireAfterDays ? { days: args.expireAfterDays } : undefined,
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { ...parent, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      name,
      {
        bucket,
        policy: policyDocument([
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      },
      { ...parent, dependsOn: [publicAccess] },
    );
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
