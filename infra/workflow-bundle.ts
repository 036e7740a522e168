/**
 * The workflow bundle of a worker started from source (`npm start`, `npm run worker`), made once
 * and kept under DATA_DIR, keyed by a hash of the sources it is built from.
 *
 * Why: given `workflowsPath`, the SDK runs webpack inside the worker process at every start; the
 * bundler's heap is never given back to the system, so the worker kept hundreds of MB it no longer
 * used (issue 12: 791 MB RSS after a day). Here webpack runs in a short-lived child process and
 * only when the sources changed; the worker just reads the file (`workflowBundle: { codePath }`).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';

/**
 * Modules evaluated once per worker in its reusable V8 context, shared by every workflow, instead
 * of once per workflow: by default the SDK evaluates a workflow's imports in a module cache of its
 * own, so each contact start re-ran date-holidays' and moment-timezone's data tables (a third of
 * the worker's CPU in a profile, and the workflow thread's heap growth) and `calendarOf`'s cache
 * never outlived one workflow. These modules are deterministic, keep no per-workflow state (the
 * calendar cache only memoises a pure function of its spec), and read the clock only through
 * the sandbox's `Date` at call time. The SDK deep-freezes their exports. Every bundle of the
 * workflows (build, tests, benchmarks, this cache) must use the same list.
 */
export const PRELOAD_MODULES = ['luxon', 'date-holidays', require.resolve('../domain/business-calendar')];

/** The webpack the SDK bundles with (a dependency of @temporalio/worker, not of ours). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkWebpack = () => require(require.resolve('webpack', { paths: [path.dirname(require.resolve('@temporalio/worker'))] }));

/**
 * Options of every bundle of the workflows (build, tests, benchmarks, the cache below). Besides
 * the preloaded modules, two cuts in what each worker holds in memory (issue 12: RSS; the bundle
 * went from 9.9 to 4.6 MB): moment's locales (pulled in by date-holidays, which has translations of
 * its own) are left out, and the inline source map keeps its mappings but not a copy of every
 * source file (the SDK maps workflow stack traces with the mappings; the texts were 4 MB).
 */
export function workflowBundleOptions(workflowsPath: string, failureConverterPath: string): BundleOptions {
  const quiet = () => {};
  return {
    workflowsPath,
    failureConverterPath,
    preloadModules: PRELOAD_MODULES,
    // Webpack's progress is noise; its errors still reach the caller (and stderr).
    logger: { info: quiet, warn: quiet, debug: quiet, trace: quiet, log: quiet, error: (m: string) => console.error(m) } as never,
    webpackConfigHook: (config) => {
      const webpack = sdkWebpack();
      return {
        ...config,
        devtool: false,
        plugins: [
          ...(config.plugins ?? []),
          new webpack.IgnorePlugin({ resourceRegExp: /^\.\/locale$/, contextRegExp: /moment$/ }),
          new webpack.SourceMapDevToolPlugin({ noSources: true, moduleFilenameTemplate: '[absolute-resource-path]' }),
        ],
      };
    },
  };
}

export interface WorkflowBundleSource {
  /** The module exporting every workflow (what `workflowsPath` would be). */
  workflowsPath: string;
  /** Baked into the bundle (the codec's failure converter). */
  failureConverterPath: string;
  /** Folders and files whose content the bundle depends on; any change makes a new bundle. */
  inputs: string[];
}

const SOURCE_FILE = /\.(ts|js|mjs|cjs|json)$/;

function filesOf(entry: string, out: string[]): void {
  if (!existsSync(entry)) return;
  if (!statSync(entry).isDirectory()) {
    out.push(entry);
    return;
  }
  for (const name of readdirSync(entry).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(entry, name);
    if (statSync(full).isDirectory()) filesOf(full, out);
    else if (SOURCE_FILE.test(name)) out.push(full);
  }
}

/** Hash of the inputs' paths and contents plus the bundle options: the cache key. */
export function workflowBundleHash(source: WorkflowBundleSource): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([source.workflowsPath, source.failureConverterPath, PRELOAD_MODULES]));
  const files: string[] = [];
  for (const input of source.inputs) filesOf(input, files);
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 24);
}

/** Runs the bundler in a child process of the same Node (and loader flags) writing `target`. */
function bundleInChild(source: WorkflowBundleSource, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // From source this file is TypeScript: the child needs the tsx loader (present under `npm start`, not under jest).
    const loader = __filename.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx')) ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...process.execArgv, ...loader, __filename, '--bundle', JSON.stringify({ ...source, target })], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`workflow bundler exited with code ${code}: ${stderr.trim()}`))));
  });
}

/**
 * The path of a bundle for these sources under `cacheDir`, built (in a child process) when absent.
 * Concurrent workers may build the same bundle: each writes its own temporary file and renames it
 * into place, so a reader never sees half a file. Bundles of other hashes are removed.
 */
export async function cachedWorkflowBundle(source: WorkflowBundleSource, cacheDir: string): Promise<{ codePath: string; built: boolean }> {
  const hash = workflowBundleHash(source);
  const codePath = path.join(cacheDir, `workflows-${hash}.js`);
  if (existsSync(codePath)) return { codePath, built: false };
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${codePath}.${process.pid}.tmp`;
  try {
    await bundleInChild(source, temp);
    renameSync(temp, codePath);
  } finally {
    rmSync(temp, { force: true });
  }
  for (const name of readdirSync(cacheDir)) {
    if (name !== path.basename(codePath) && /^workflows-[0-9a-f]+\.js$/.test(name)) rmSync(path.join(cacheDir, name), { force: true });
  }
  return { codePath, built: true };
}

async function bundleMain(arg: string): Promise<void> {
  const { workflowsPath, failureConverterPath, target } = JSON.parse(arg) as WorkflowBundleSource & { target: string };
  const { code } = await bundleWorkflowCode(workflowBundleOptions(workflowsPath, failureConverterPath));
  writeFileSync(target, code);
}

if (require.main === module && process.argv[2] === '--bundle') {
  bundleMain(process.argv[3]).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
