/**
 * Flow logs straight from S3 (`s3://bucket/prefix`, ref 1.9).
 *
 * Which objects: the prefix is matched against the delivery layouts
 *   default  `[prefix/]AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/[{HH}/]`
 *   Hive     `[prefix/]AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/year={yyyy}/month={mm}/day={dd}/[hour={HH}/]`
 * wherever it stops (the bucket, a user prefix above `AWSLogs/`, an account, a region, a day, ...). The
 * account and region levels are discovered with delimiter listings (`Delimiter: '/'`); the date levels
 * are not listed but computed from `--since` / `--until`, so only the years, months, days (and, on the
 * days at the window's edges, hours) in the window are listed. A date folder that lies wholly inside the
 * window is listed in one go (no delimiter), whatever lies under it (hourly partitions included).
 * Under an `AWSLogs/` tree only the `vpcflowlogs` service is read (CloudTrail and ELB logs share it).
 * A prefix with no `AWSLogs/` tree under it is listed whole (with a warning).
 *
 * Objects are also filtered by the time in their file name, `..._{YYYYMMDDTHHmmZ}_{hash}.log.gz`: a file
 * holds the records whose end time falls in the 5 minutes from that time (ref 1.9), so it is read when
 * those 5 minutes overlap the window. A file name without a time is always read. Records inside a file
 * are not filtered by time: the window's granularity is the 5-minute file. Folder dates are taken to be
 * the date of the file-name time.
 *
 * Order: keys are read in ascending key order (S3 lists in UTF-8 binary order; each listing is also
 * sorted here), which for one account and region is time order.
 *
 * Reading: every object is streamed with GetObject into `readFlowLogStream` (the next few GetObject
 * requests are started while one object is parsed, results still in key order), which recognises gzip and
 * Parquet by their magic bytes; a Parquet object (at most 75 MB, ref 1.9) is held in memory whole, as
 * Parquet needs random access. The record `file` is `s3://bucket/key` and `line` the 1-based line in the
 * decompressed object, header line counted (for Parquet, the row number), as for local files.
 *
 * Failures: an unreadable object (corrupt gzip, a missing or archived object) is a `file-error` event
 * naming `s3://bucket/key` after the records read before the damage, and reading goes on with the next
 * object. A missing permission (s3:ListBucket, s3:GetObject), missing or refused credentials, a missing
 * bucket or region, or an unreachable endpoint throws an `AwsSourceError` (the CLI: message, exit 2).
 */
import { type S3Location, parseS3Url } from './s3-url.js';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { E, type Either } from '../fp.js';
import { readFlowLogStream, type FlowLogEvent, type ReadOptions } from '../flowlog/reader.js';
import {
  AwsSourceError,
  ProgressCounter,
  describeAwsError,
  remoteClientConfig,
  errorCode,
  fatalAwsError,
  toAwsSourceError,
  type CallContext,
  type RemoteClient,
  type RemoteOptions,
} from './remote-common.js';
import { DEFAULT_MAX_ATTEMPTS } from './aws-config.js';
import { overlaps, within, windowMs, type TimeWindow } from './time-range.js';
import { pushAll } from '../arrays.js';

export { type S3Location, isS3Url, parseS3Url } from './s3-url.js';

const FILE_TIME_RE = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/;
/** Each S3 flow-log file holds 5 minutes (ref 1.9). */
export const S3_FILE_SPAN_MS = 5 * 60_000;

/** The time in an S3 flow-log file name (`..._20180620T1620Z_fe123456.log.gz`), in ms; null when absent. */
export function fileNameTime(key: string): number | null {
  const m = FILE_TIME_RE.exec(key);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  return Number.isNaN(t) ? null : t;
}

// ---------------------------------------------------------------------------------------------------
// The key layouts

type Layout = 'default' | 'hive';

const ACCOUNT_RE = /^\d{12}$/;
const HIVE_ACCOUNT_RE = /^aws-account-id=\d{12}$/;
const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const HIVE_REGION_RE = /^aws-region=[a-z]{2}(?:-[a-z]+)+-\d+$/;
const SERVICE: Readonly<Record<Layout, string>> = { default: 'vpcflowlogs', hive: 'aws-service=vpcflowlogs' };
const DATE_KEYS = ['year', 'month', 'day', 'hour'] as const;
const DATE_WIDTH = [4, 2, 2, 2] as const;

/**
 * A date folder: `level` date components fixed (0 = the region folder, 1 = a year, 2 = a month, 3 = a
 * day, 4 = an hour), `parts` their values (month 1-12).
 */
interface DateNode {
  readonly prefix: string;
  readonly layout: Layout;
  readonly parts: readonly number[];
}

function nodeSpan(node: DateNode): { start: number; end: number } {
  const [y, mo = 1, d = 1, h = 0] = node.parts;
  switch (node.parts.length) {
    case 0:
      return { start: -Infinity, end: Infinity };
    case 1:
      return { start: Date.UTC(y!, 0, 1), end: Date.UTC(y! + 1, 0, 1) };
    case 2:
      return { start: Date.UTC(y!, mo - 1, 1), end: Date.UTC(y!, mo, 1) };
    case 3:
      return { start: Date.UTC(y!, mo - 1, d), end: Date.UTC(y!, mo - 1, d + 1) };
    default:
      return { start: Date.UTC(y!, mo - 1, d, h), end: Date.UTC(y!, mo - 1, d, h + 1) };
  }
}

/** The folder name of a date component: `2024`, `01`, or Hive `year=2024`, `month=01`. */
function dateComponent(layout: Layout, level: number, value: number): string {
  const text = String(value).padStart(DATE_WIDTH[level]!, '0');
  return layout === 'hive' ? `${DATE_KEYS[level]}=${text}` : text;
}

/** The value of a date folder name at `level` (0 year ... 3 hour), or null when it is not one. */
function parseDateComponent(layout: Layout, level: number, name: string): number | null {
  let text = name;
  if (layout === 'hive') {
    const key = `${DATE_KEYS[level]}=`;
    if (!name.startsWith(key)) return null;
    text = name.slice(key.length);
  }
  if (!/^\d+$/.test(text) || text.length !== DATE_WIDTH[level]) return null;
  const v = Number(text);
  const max = [9999, 12, 31, 23][level]!;
  const min = level === 0 || level === 3 ? 0 : 1;
  return v >= min && v <= max ? v : null;
}

function childNode(node: DateNode, value: number): DateNode {
  return { prefix: `${node.prefix}${dateComponent(node.layout, node.parts.length, value)}/`, layout: node.layout, parts: [...node.parts, value] };
}

/** Whether the fixed parts name a real date (no 31 February). */
function validDate(parts: readonly number[]): boolean {
  if (parts.length < 3) return true;
  const [y, mo, d] = parts as [number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCDate() === d && t.getUTCMonth() === mo - 1;
}

/** Where the given prefix stops in the layout. */
type Position =
  | { readonly kind: 'above'; readonly base: string }
  | { readonly kind: 'accounts'; readonly base: string }
  | { readonly kind: 'service'; readonly base: string; readonly layout: Layout }
  | { readonly kind: 'regions'; readonly base: string; readonly layout: Layout }
  | { readonly kind: 'date'; readonly node: DateNode }
  | { readonly kind: 'other' };

/** Follow the complete components of a prefix (those followed by `/`) through the layout. */
function locate(prefix: string): { position: Position; partial: string } {
  const parts = prefix.split('/');
  const partial = parts.pop() ?? '';
  let pos: Position = { kind: 'above', base: '' };
  for (const c of parts) {
    switch (pos.kind) {
      case 'above':
        pos = c === 'AWSLogs' ? { kind: 'accounts', base: `${pos.base}${c}/` } : { kind: 'above', base: `${pos.base}${c}/` };
        break;
      case 'accounts':
        if (ACCOUNT_RE.test(c)) pos = { kind: 'service', base: `${pos.base}${c}/`, layout: 'default' };
        else if (HIVE_ACCOUNT_RE.test(c)) pos = { kind: 'service', base: `${pos.base}${c}/`, layout: 'hive' };
        else pos = { kind: 'other' };
        break;
      case 'service':
        pos = c === SERVICE[pos.layout] ? { kind: 'regions', base: `${pos.base}${c}/`, layout: pos.layout } : { kind: 'other' };
        break;
      case 'regions':
        pos = (pos.layout === 'default' ? REGION_RE : HIVE_REGION_RE).test(c)
          ? { kind: 'date', node: { prefix: `${pos.base}${c}/`, layout: pos.layout, parts: [] } }
          : { kind: 'other' };
        break;
      case 'date': {
        const level = pos.node.parts.length;
        const v = level < 4 ? parseDateComponent(pos.node.layout, level, c) : null;
        if (v === null) {
          pos = { kind: 'other' };
          break;
        }
        const node = childNode(pos.node, v);
        pos = validDate(node.parts) ? { kind: 'date', node } : { kind: 'other' };
        break;
      }
      case 'other':
        break;
    }
  }
  return { position: pos, partial };
}

// ---------------------------------------------------------------------------------------------------
// Listing

/** One object found by a listing. */
export interface S3ObjectRef {
  readonly key: string;
  readonly size: number;
}

interface Listing {
  readonly objects: S3ObjectRef[];
  readonly prefixes: string[];
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The last folder name of a common prefix (`a/b/c/` → `c`). */
function lastComponent(prefix: string): string {
  const t = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return t.slice(t.lastIndexOf('/') + 1);
}

class KeyWalker {
  private found = 0;

  constructor(
    private readonly client: S3Client,
    private readonly remote: RemoteClient,
    private readonly bucket: string,
    private readonly window: TimeWindow,
    /** Upper bound of the date enumeration when the window has no end. */
    private readonly horizon: number,
    private readonly counter: ProgressCounter,
    private readonly warn: (message: string) => void,
  ) {}

  get objectsFound(): number {
    return this.found;
  }

  /** Pages of one ListObjectsV2 listing, continuation tokens followed. */
  private async *pages(prefix: string, delimiter: boolean): AsyncGenerator<Listing> {
    let token: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      let out: ListObjectsV2CommandOutput;
      try {
        out = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(delimiter ? { Delimiter: '/' } : {}),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (err) {
        throw listError(err, this.remote, this.bucket, prefix);
      }
      this.counter.pages++;
      const objects: S3ObjectRef[] = [];
      for (const o of out.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue; // folder markers
        objects.push({ key: o.Key, size: o.Size ?? 0 });
      }
      objects.sort((a, b) => byKey(a.key, b.key));
      const prefixes = (out.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])).sort(byKey);
      yield { objects, prefixes };
      if (out.IsTruncated !== true) return;
      token = out.NextContinuationToken;
      if (token === undefined || token === '' || seen.has(token)) {
        throw new AwsSourceError(`ListObjectsV2 on s3://${this.bucket}/${prefix}: the listing is truncated but gave no new continuation token`);
      }
      seen.add(token);
    }
  }

  /** A whole delimiter listing (one folder level). */
  private async folder(prefix: string): Promise<Listing> {
    const objects: S3ObjectRef[] = [];
    const prefixes: string[] = [];
    for await (const page of this.pages(prefix, true)) {
      pushAll(objects, page.objects);
      pushAll(prefixes, page.prefixes);
    }
    return { objects, prefixes };
  }

  /** Whether an object's file-name time (if any) overlaps the window. */
  private keep(key: string): boolean {
    const t = fileNameTime(key);
    return t === null || overlaps(this.window, t, t + S3_FILE_SPAN_MS);
  }

  private *emit(objects: readonly S3ObjectRef[]): Generator<S3ObjectRef> {
    for (const o of objects) {
      if (!this.keep(o.key)) continue;
      this.found++;
      this.counter.objectsListed++;
      yield o;
    }
  }

  /** Every object under a prefix, no delimiter, filtered by file-name time. */
  private async *everything(prefix: string): AsyncGenerator<S3ObjectRef> {
    for await (const page of this.pages(prefix, false)) {
      yield* this.emit(page.objects);
      this.counter.tick();
    }
  }

  /** The objects of one folder listing and its sub-folders, in key order. */
  private async *merged(listing: Listing, sub: (prefix: string) => AsyncGenerator<S3ObjectRef>): AsyncGenerator<S3ObjectRef> {
    let i = 0;
    for (const p of listing.prefixes) {
      const before: S3ObjectRef[] = [];
      while (i < listing.objects.length && listing.objects[i]!.key < p) before.push(listing.objects[i++]!);
      yield* this.emit(before);
      yield* sub(p);
    }
    yield* this.emit(listing.objects.slice(i));
  }

  /** The objects of the flow-log tree under `s3://bucket/prefix`, in key order. */
  async *walk(prefix: string): AsyncGenerator<S3ObjectRef> {
    const { position, partial } = locate(prefix);
    switch (position.kind) {
      case 'other':
        yield* this.everything(prefix);
        return;
      case 'above':
        yield* this.above(prefix, partial);
        return;
      case 'accounts':
        yield* this.accounts(position.base + partial);
        return;
      case 'service': {
        const svc = SERVICE[position.layout];
        if (svc.startsWith(partial)) yield* this.regions(`${position.base}${svc}/`, '', position.layout);
        return;
      }
      case 'regions':
        yield* this.regions(position.base, partial, position.layout);
        return;
      case 'date':
        if (partial === '') yield* this.date(position.node);
        else yield* this.everything(prefix);
        return;
    }
  }

  /** Above `AWSLogs/`: look for the tree one level down; else read everything (with a warning). */
  private async *above(prefix: string, partial: string): AsyncGenerator<S3ObjectRef> {
    const listing = await this.folder(prefix);
    const trees = listing.prefixes.filter((p) => lastComponent(p) === 'AWSLogs');
    if (trees.length > 0) {
      for (const t of trees) yield* this.accounts(t);
      return;
    }
    if (partial !== '' && listing.prefixes.length === 1 && listing.prefixes[0] === `${prefix}/`) {
      // `s3://bucket/logs` naming the folder `logs/`
      yield* this.walk(`${prefix}/`);
      return;
    }
    if (listing.objects.length > 0 || listing.prefixes.length > 0) {
      this.warn(`s3://${this.bucket}/${prefix}: no AWSLogs/ folder here; reading every object under this prefix (--since/--until filter by file-name time only)`);
      yield* this.everything(prefix);
    }
  }

  /** `.../AWSLogs/`: the account folders, both layouts. */
  private async *accounts(prefix: string): AsyncGenerator<S3ObjectRef> {
    const listing = await this.folder(prefix);
    for (const p of listing.prefixes) {
      const name = lastComponent(p);
      const layout: Layout | null = ACCOUNT_RE.test(name) ? 'default' : HIVE_ACCOUNT_RE.test(name) ? 'hive' : null;
      if (layout !== null) yield* this.regions(`${p}${SERVICE[layout]}/`, '', layout);
    }
  }

  /** `.../vpcflowlogs/`: the region folders. */
  private async *regions(base: string, partial: string, layout: Layout): AsyncGenerator<S3ObjectRef> {
    const listing = await this.folder(base + partial);
    const re = layout === 'default' ? REGION_RE : HIVE_REGION_RE;
    for (const p of listing.prefixes) {
      if (re.test(lastComponent(p))) yield* this.date({ prefix: p, layout, parts: [] });
    }
  }

  /** A date folder: skipped, listed whole, or split into the sub-folders in the window. */
  private async *date(node: DateNode): AsyncGenerator<S3ObjectRef> {
    const { start, end } = nodeSpan(node);
    // A folder's files hold records up to 5 minutes past its end (a file named 23:57 runs to 00:02).
    if (!overlaps(this.window, start, end + S3_FILE_SPAN_MS)) return;
    if (within(this.window, start, end) || node.parts.length === 4) {
      yield* this.everything(node.prefix);
      return;
    }
    const level = node.parts.length;
    const { from } = windowMs(this.window);
    if (level === 3 || (level === 0 && from === -Infinity)) {
      // Hours of a day (present only with per-hour partitions), or the years when the window has no start.
      const listing = await this.folder(node.prefix);
      yield* this.merged(listing, (p) => {
        const v = parseDateComponent(node.layout, level, lastComponent(p));
        return v === null ? this.everything(p) : this.date(childNode(node, v));
      });
      return;
    }
    for (const child of this.children(node, start, end)) yield* this.date(child);
  }

  /** The sub-folders of a year, a month, or (with a window start) the region folder, that meet the window. */
  private *children(node: DateNode, start: number, end: number): Generator<DateNode> {
    const { from, to } = windowMs(this.window);
    const lo = Math.max(from - S3_FILE_SPAN_MS, start);
    const hi = Math.min(to === Infinity ? this.horizon : to, end);
    if (!(lo < hi)) return;
    const first = new Date(lo);
    switch (node.parts.length) {
      case 0:
        for (let y = first.getUTCFullYear(); Date.UTC(y, 0, 1) < hi; y++) yield childNode(node, y);
        return;
      case 1:
        for (let m = first.getUTCMonth(); m < 12 && Date.UTC(node.parts[0]!, m, 1) < hi; m++) yield childNode(node, m + 1);
        return;
      case 2: {
        const [y, mo] = node.parts as [number, number];
        for (let d = first.getUTCDate(); Date.UTC(y, mo - 1, d) < hi && new Date(Date.UTC(y, mo - 1, d)).getUTCMonth() === mo - 1; d++) {
          yield childNode(node, d);
        }
        return;
      }
      default:
        return;
    }
  }
}

function listError(err: unknown, client: RemoteClient, bucket: string, prefix: string): AwsSourceError {
  const where = `s3://${bucket}/${prefix}`;
  if (errorCode(err) === 'NoSuchBucket') return new AwsSourceError(`ListObjectsV2 on ${where}: the bucket "${bucket}" does not exist`);
  return toAwsSourceError(err, {
    what: `ListObjectsV2 on ${where}`,
    permission: 's3:ListBucket',
    resource: `arn:aws:s3:::${bucket} (bucket "${bucket}", prefix "${prefix}")`,
    client,
  });
}

/** GetObject failures that concern one object only: reported as a file-error, and the read goes on. */
const PER_OBJECT_ERRORS: ReadonlySet<string> = new Set(['NoSuchKey', 'InvalidObjectState']);

function getObjectMessage(err: unknown, ctx: CallContext): string {
  switch (errorCode(err)) {
    case 'NoSuchKey':
      return 'the object no longer exists (NoSuchKey; deleted after the listing?)';
    case 'InvalidObjectState':
      return 'the object is archived (InvalidObjectState: S3 Glacier or Deep Archive); restore it first';
    default:
      return `GetObject failed: ${describeAwsError(err, ctx)}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** The S3 client the reader uses, with its configuration. */
export async function makeS3Client(opts: RemoteOptions): Promise<{ client: S3Client; remote: RemoteClient }> {
  const remote = await remoteClientConfig(opts, DEFAULT_MAX_ATTEMPTS);
  const client = new S3Client({
    ...remote.config,
    // A custom endpoint (LocalStack, MinIO) rarely has virtual-host DNS.
    ...(remote.endpoint !== undefined ? { forcePathStyle: true } : {}),
    // A bucket in another region than --region answers 301; the SDK then retries there.
    followRegionRedirects: true,
  });
  return { client, remote };
}

/** Keep only records of the given ENIs (records of a format without interface-id are kept). */
async function* onlyInterfaces(events: AsyncIterable<FlowLogEvent>, ids: ReadonlySet<string> | null, counter: ProgressCounter): AsyncGenerator<FlowLogEvent> {
  for await (const ev of events) {
    if (ev.kind !== 'records') {
      yield ev;
      continue;
    }
    counter.records += ev.records.length;
    if (ids === null) {
      yield ev;
      continue;
    }
    const kept = ev.records.filter((r) => {
      const eni = r.interfaceId;
      return r.format.interfaceId < 0 || (eni !== null && ids.has(eni));
    });
    if (kept.length > 0) yield { kind: 'records', records: kept };
  }
}

/** GetObject requests in flight ahead of the object being parsed (their bodies wait, unread). */
const PREFETCH = 4;

interface Fetched {
  readonly obj: S3ObjectRef;
  readonly body: AsyncIterable<Uint8Array | string> | undefined;
  /** The GetObject failure, if it failed. */
  readonly error: unknown;
}

function discardBody(f: Fetched): void {
  (f.body as { destroy?: () => void } | undefined)?.destroy?.();
}

/**
 * `start(item)` for the items of `source` in order, up to `depth` of them started ahead of the one being
 * consumed; results in source order. `start` must not reject. Results started but never consumed (the
 * consumer stopped) are passed to `discard`.
 */
export async function* prefetch<T, R>(source: AsyncIterable<T>, start: (item: T) => Promise<R>, depth: number, discard: (r: R) => void): AsyncGenerator<R> {
  const it = source[Symbol.asyncIterator]();
  const queue: Promise<R>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < Math.max(1, depth)) {
        const next = await it.next();
        if (next.done === true) exhausted = true;
        else queue.push(start(next.value));
      }
      const head = queue.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    for (const p of queue.splice(0)) void p.then(discard);
    if (!exhausted) await it.return?.();
  }
}

async function* countBytes(body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, counter: ProgressCounter): AsyncGenerator<Uint8Array | string> {
  for await (const chunk of body) {
    counter.bytes += chunk.length;
    counter.tick();
    yield chunk;
  }
}

/**
 * Read the flow logs under `s3://bucket/prefix` (or `arn:aws:s3:::bucket/prefix`). Events as from
 * `readFlowLogs`: per object a `file-start` (or a lone `file-error`), `records`, `bad-lines`, `file-error`.
 * Throws `AwsSourceError` for a bad URL and for the fatal failures listed at the top of this file.
 */
export async function* readS3FlowLogs(url: string, opts: RemoteOptions = {}): AsyncGenerator<FlowLogEvent> {
  const loc = parseS3Url(url);
  if (E.isLeft(loc)) throw new AwsSourceError(loc.left);
  const { bucket, prefix } = loc.right;
  const { client, remote } = await makeS3Client(opts);
  const counter = new ProgressCounter('s3', opts.progress);
  const window: TimeWindow = { since: opts.since, until: opts.until };
  const now = (opts.now ?? new Date()).getTime();
  const walker = new KeyWalker(client, remote, bucket, window, now + 86_400_000, counter, opts.warn ?? (() => {}));
  const readOpts: ReadOptions = {
    ...(opts.logFormat !== undefined ? { logFormat: opts.logFormat } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
  };
  const ids = opts.interfaceIds !== undefined && opts.interfaceIds.length > 0 ? new Set(opts.interfaceIds) : null;
  try {
    counter.current = `s3://${bucket}/${prefix}`;
    counter.tick(true);
    const fetchObject = async (obj: S3ObjectRef): Promise<Fetched> => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: obj.key }));
        return { obj, body: out.Body as unknown as AsyncIterable<Uint8Array | string> | undefined, error: undefined };
      } catch (error) {
        return { obj, body: undefined, error: error ?? new Error('GetObject failed') };
      }
    };
    for await (const { obj, body, error } of prefetch(walker.walk(prefix), fetchObject, PREFETCH, discardBody)) {
      const name = `s3://${bucket}/${obj.key}`;
      counter.current = name;
      counter.tick();
      if (error !== undefined) {
        const ctx: CallContext = {
          what: `GetObject on ${name}`,
          permission: 's3:GetObject',
          resource: `arn:aws:s3:::${bucket}/${obj.key}`,
          deniedHint: 'if the objects are encrypted with SSE-KMS, kms:Decrypt on the key is needed too',
          client: remote,
        };
        // An archived object answers 403 InvalidObjectState: not a permission problem, and only this object.
        const perObject = PER_OBJECT_ERRORS.has(errorCode(error));
        const fatal = perObject ? null : fatalAwsError(error, ctx);
        if (fatal !== null) throw fatal;
        counter.objectsRead++;
        yield { kind: 'file-error', file: name, message: getObjectMessage(error, ctx) };
        continue;
      }
      yield* onlyInterfaces(readFlowLogStream(name, countBytes(body ?? [], counter), readOpts), ids, counter);
      counter.objectsRead++;
      counter.tick();
    }
    if (walker.objectsFound === 0) {
      opts.warn?.(`s3://${bucket}/${prefix}: no flow-log objects found${window.since || window.until ? ' in the time window' : ''}`);
    }
  } finally {
    counter.tick(true);
    counter.done();
    client.destroy();
  }
}
