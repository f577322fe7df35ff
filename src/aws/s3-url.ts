/** Is this input an S3 location (`s3://bucket/prefix` or an S3 ARN)? Kept apart so the CLI can ask without loading the SDK. */
export function isS3Url(text: string): boolean {
  return /^s3:\/\//i.test(text) || text.startsWith('arn:aws:s3:::') || /^arn:aws[a-z-]*:s3:::/.test(text);
}
