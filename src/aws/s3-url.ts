import { E, type Either } from '../fp.js';

/** Is this input an S3 location (`s3://bucket/prefix` or an S3 ARN)? Kept apart so the CLI can ask without loading the SDK. */
export function isS3Url(text: string): boolean {
  return /^s3:\/\//i.test(text) || text.startsWith('arn:aws:s3:::') || /^arn:aws[a-z-]*:s3:::/.test(text);
}

export interface S3Location {
  readonly bucket: string;
  /** The key prefix, as given (may be empty, may or may not end with `/`). */
  readonly prefix: string;
}

/** Bucket names: 3-63 of lower-case letters, digits, dots and hyphens (older buckets: also upper case and `_`). */
const BUCKET_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;

/** `s3://bucket[/prefix]` or `arn:aws:s3:::bucket[/prefix]` into bucket and prefix. */
export function parseS3Url(text: string): Either<string, S3Location> {
  let rest: string;
  const arn = /^arn:aws[a-z-]*:s3:::(.*)$/.exec(text);
  if (arn) rest = arn[1]!;
  else if (/^s3:\/\//i.test(text)) rest = text.slice(5);
  else return E.left(`"${text}" is not an S3 URL (expected s3://bucket/prefix)`);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket === '') return E.left(`"${text}" names no bucket (expected s3://bucket/prefix)`);
  if (!BUCKET_RE.test(bucket)) return E.left(`"${text}": "${bucket}" is not a bucket name`);
  return E.right({ bucket, prefix });
}
