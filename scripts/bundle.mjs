/**
 * Bundles the compiled CLI (dist/src/cli/main.js) and the explain read worker into dist/bundle/, the
 * files the `vpcwhy` bin runs: one module graph of ~70 files loads in about half the time as a few
 * files. The AWS SDK and the Parquet reader stay in node_modules and are still loaded only when an input
 * needs them. Run after tsc (npm run build does both).
 */
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/main.js', 'dist/src/pipeline/read-worker.js'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Dynamic imports (S3, CloudWatch, live snapshots, Parquet) become chunks loaded on demand.
  splitting: true,
  outdir,
  // main.js and read-worker.js side by side, as src/pipeline/read-thread.ts expects.
  entryNames: '[name]',
  external: ['@aws-sdk/*', '@duckdb/*', 'hyparquet', 'hyparquet-compressors'],
  // jsonc-parser's main build is UMD with a require esbuild cannot follow: bundle its ESM build instead.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  // CommonJS dependencies (commander, ipaddr.js) call require for Node's built-in modules.
  banner: { js: "import { createRequire as __vpcwhyRequire } from 'node:module'; const require = __vpcwhyRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(`${outdir}/main.js`, 0o755);
