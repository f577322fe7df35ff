/**
 * Embedded DuckDB (@duckdb/node-api, an optional dependency): loaded on demand with a dynamic import, so
 * vpcwhy runs without it and says so when a command needs it.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DUCKDB_MISSING = 'DuckDB is not installed: --engine duckdb needs the optional dependency @duckdb/node-api (npm install @duckdb/node-api), or use --engine ts';

type DuckDbModule = typeof import('@duckdb/node-api');

let loaded: Promise<DuckDbModule | null> | null = null;

/** The DuckDB module, or null when it is not installed (or VPCWHY_NO_DUCKDB=1 pretends so, for tests). */
export function loadDuckDb(): Promise<DuckDbModule | null> {
  if (process.env['VPCWHY_NO_DUCKDB'] === '1') return Promise.resolve(null);
  loaded ??= import('@duckdb/node-api').then(
    (m) => m,
    () => null,
  );
  return loaded;
}

export type Row = Record<string, unknown>;

export interface DuckDbOptions {
  readonly threads?: number;
  /** DuckDB's memory_limit, e.g. '160MB'. */
  readonly memoryLimit?: string;
}

/** A DuckDB session in this process: runs scripts, returns the last statement's rows. */
export class DuckDbSession {
  private constructor(
    private readonly instance: import('@duckdb/node-api').DuckDBInstance,
    private readonly connection: import('@duckdb/node-api').DuckDBConnection,
    private readonly spill: string | null = null,
  ) {}

  /**
   * A session; `threads` or the options. `memoryLimit` bounds DuckDB's buffer pool (it otherwise keeps up
   * to 80 % of the machine's memory), spilling what does not fit to a directory of its own under the
   * system's temporary directory, removed on close.
   */
  static async open(opts: number | DuckDbOptions = {}): Promise<DuckDbSession | null> {
    const o: DuckDbOptions = typeof opts === 'number' ? { threads: opts } : opts;
    const m = await loadDuckDb();
    if (!m) return null;
    const config: Record<string, string> = {};
    if (o.threads) config['threads'] = String(o.threads);
    let spill: string | null = null;
    if (o.memoryLimit) {
      spill = path.join(os.tmpdir(), `vpcwhy-duckdb-${process.pid}-${randomBytes(4).toString('hex')}`);
      config['memory_limit'] = o.memoryLimit;
      config['temp_directory'] = spill;
    }
    const instance = await m.DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    return new DuckDbSession(instance, connection, spill);
  }

  /** Runs every statement of `sql`; the rows of the last one, as JS values (BIGINT as number). */
  async script(sql: string): Promise<Row[]> {
    const extracted = await this.connection.extractStatements(sql);
    let rows: Row[] = [];
    for (let i = 0; i < extracted.count; i++) {
      const prepared = await extracted.prepare(i);
      const reader = await prepared.runAndReadAll();
      rows = i === extracted.count - 1 ? normalise(reader.getRowObjects()) : [];
    }
    return rows;
  }

  /** Runs one statement for its effect. */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** The rows of a query, a chunk at a time (values as DuckDB gives them: INTEGER as number, VARCHAR as string). */
  async *rows(sql: string): AsyncGenerator<unknown[][]> {
    const result = await this.connection.stream(sql);
    for await (const chunk of result.yieldRows()) yield chunk as unknown[][];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.spill) rmSync(this.spill, { recursive: true, force: true });
  }
}

function value(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'items' in v && Array.isArray((v as { items: unknown[] }).items)) return (v as { items: unknown[] }).items.map(value);
  return v;
}

function normalise(rows: ReadonlyArray<Record<string, unknown>>): Row[] {
  return rows.map((r) => {
    const out: Row = {};
    for (const k of Object.keys(r)) out[k] = value(r[k]);
    return out;
  });
}
