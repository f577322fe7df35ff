/**
 * The yardstick of `npm run bench` (issue 17): DuckDB's own `SELECT count(*) ... WHERE action = 'REJECT'`
 * over a default-format (v2) flow log, read as the DuckDB engine reads it (read_csv, explicit VARCHAR
 * columns, no sniffing). Run as its own process, so its time and peak RSS include Node.js start-up and
 * loading DuckDB, as the engines' do. Prints the count. Not a test.
 *
 *   node dist/bench/duckdb-count.js <file>
 */
import { DEFAULT_FORMAT } from '../src/flowlog/format.js';
import { columnName } from '../src/sql/compile.js';
import { DuckDbSession } from '../src/sql/duckdb.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: duckdb-count <flow-log file>');
const session = await DuckDbSession.open();
if (!session) throw new Error('@duckdb/node-api is not installed');
try {
  const cols = DEFAULT_FORMAT.fields.map((f) => `'${columnName(f)}': 'VARCHAR'`).join(', ');
  const rows = await session.script(
    `SELECT count(*) AS n FROM read_csv('${file.replace(/'/g, "''")}', delim = ' ', quote = '', escape = '', header = false, auto_detect = false, columns = {${cols}}) WHERE action = 'REJECT'`,
  );
  process.stdout.write(`${String(rows[0]?.['n'])}\n`);
} finally {
  session.close();
}
