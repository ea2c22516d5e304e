// AWS names the environment config refers to: buckets and IAM roles the Pulumi program creates.
import { z } from 'zod';

// S3 naming rules: 3-63 characters, lower-case letters, digits, "." and "-", starting and ending
// with a letter or digit, no "..", not an IP address, none of the reserved prefixes and suffixes.
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const bucketName = z
  .string()
  .regex(S3_BUCKET, {
    error: 'must be a valid S3 bucket name: 3-63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit',
  })
  .refine((name) => !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name), {
    error: 'must not contain ".." or look like an IP address',
  })
  .refine((name) => !name.startsWith('xn--') && !name.endsWith('-s3alias') && !name.endsWith('--ol-s3'), {
    error: 'must not start with "xn--" or end with "-s3alias" or "--ol-s3"',
  });

export const roleArn = z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/, {
  error: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/moe-lab-backup',
});
