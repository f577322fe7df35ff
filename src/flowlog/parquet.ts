/**
 * Parquet flow logs (S3 `FileFormat: parquet`, ref 1.9): the column names give the format (Athena-style
 * `log_status` is mapped to `log-status`), and each row becomes a record whose tokens are the string forms
 * of its columns in schema order; null becomes `-`. Pages may be GZIP (or Snappy, ZSTD, ...) compressed.
 * Rows are read one row group at a time, so memory is bounded by the row-group size, not the file size.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { E } from '../fp.js';
import { makeFormat, type FlowLogFormat, type LogFormatError } from './format.js';

export interface ParquetSource {
  readonly format: FlowLogFormat;
  /** Row groups in file order, each as rows of column values (tokens) in schema order. */
  readonly rowGroups: () => AsyncGenerator<string[][]>;
}

export function bufferToAsyncBuffer(bytes: Uint8Array): AsyncBuffer {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { byteLength: ab.byteLength, slice: (start: number, end?: number) => ab.slice(start, end) };
}

export async function parquetFile(file: string): Promise<AsyncBuffer> {
  return asyncBufferFromFile(file);
}

/** The string form of one Parquet value, as it would appear in a text record. */
export function parquetValueToken(v: unknown): string {
  if (v === null || v === undefined) return '-';
  switch (typeof v) {
    case 'string':
      return v === '' ? '-' : v;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
    default:
      if (v instanceof Date) return String(Math.floor(v.getTime() / 1000));
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') || '-';
      return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  }
}

/** Open a Parquet flow-log file: its format (from the schema) and a reader of its row groups. */
export async function openParquet(file: AsyncBuffer): Promise<E.Either<LogFormatError, ParquetSource>> {
  const metadata: FileMetaData = await parquetMetadataAsync(file);
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const format = makeFormat(names, 'parquet schema', { anyName: true });
  if (E.isLeft(format)) return format;
  async function* rowGroups(): AsyncGenerator<string[][]> {
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      await parquetRead({
        file,
        metadata,
        rowStart,
        rowEnd,
        compressors,
        onComplete: (r: unknown[][]) => {
          rows = r;
        },
      });
      rowStart = rowEnd;
      yield rows.map((row) => row.map(parquetValueToken));
    }
  }
  return E.right({ format: format.right, rowGroups });
}
