/**
 * The production build's second half (after `tsc -p tsconfig.build.json`): the workflow bundle
 * made once here instead of at every worker start, and the files the compiled code reads next to
 * itself (the web page, the docs initializer, the sample catalog).
 */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../infra/codec';
import { workflowBundleOptions } from '../infra/workflow-bundle';

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

async function main(): Promise<void> {
  for (const dir of ['web/public', 'web/docs', 'config']) cpSync(path.join(ROOT, dir), path.join(DIST, dir), { recursive: true });
  const { code } = await bundleWorkflowCode(workflowBundleOptions(require.resolve('../workflows'), FAILURE_CONVERTER_PATH));
  const target = path.join(DIST, 'workflow-bundle.js');
  writeFileSync(target, code);
  console.log(`build: ${path.relative(ROOT, target)} (${(code.length / 1e6).toFixed(1)} MB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
