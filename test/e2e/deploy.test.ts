/**
 * The deployment files: compose.yaml is validated by `docker compose config` where the docker CLI
 * has the compose plugin, and by its structure otherwise (never skipped); the Dockerfile builds in
 * one stage and runs the compiled code in another.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../infra/config';
import { PREBUILT_BUNDLE, workerTuning } from '../../worker';

const ROOT = path.join(__dirname, '..', '..');

function composePlugin(): boolean {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

it('compose.yaml: PostgreSQL, Temporal, a mail catcher, migrate, worker and api, wired together', () => {
  let compose: { services: Record<string, Service> };
  if (composePlugin()) {
    // The CLI resolves anchors, merges and defaults exactly as `docker compose up` would.
    compose = parse(execFileSync('docker', ['compose', '-f', path.join(ROOT, 'compose.yaml'), 'config'], { cwd: ROOT }).toString());
  } else {
    compose = parse(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8'), { merge: true });
  }
  const s = compose.services;
  expect(Object.keys(s).sort()).toEqual(['api', 'mailpit', 'migrate', 'postgres', 'temporal', 'worker']);
  expect(s.postgres.image).toMatch(/^postgres:/);
  expect(s.temporal.image).toMatch(/^temporalio\//);
  expect(s.mailpit.image).toMatch(/^axllent\/mailpit/);
  expect(s.migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
  // The worker's heap budget (WORKER_HEAP_MB in the README) is a node flag.
  expect(s.worker.command).toEqual(['node', '--max-old-space-size=1024', 'dist/worker.js']);
  expect(s.api.command).toEqual(['node', 'dist/api/server.js']);
  for (const name of ['migrate', 'worker', 'api']) {
    const env = s[name].environment!;
    expect(s[name].build).toBeDefined();
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.SMTP_URL).toBe('smtp://mailpit:1025');
  }
  // Migrations first; the worker and the API only once they succeeded.
  expect(s.migrate.depends_on?.postgres.condition).toBe('service_healthy');
  expect(s.worker.depends_on?.migrate.condition).toBe('service_completed_successfully');
  expect(s.api.depends_on?.migrate.condition).toBe('service_completed_successfully');
  // The API's /metrics includes the worker's Temporal SDK metrics.
  expect(s.worker.environment!.WORKER_METRICS_PORT).toBe('9464');
  expect(s.api.environment!.WORKER_METRICS_URL).toBe('http://worker:9464/metrics');
});

it('Dockerfile: multi-stage on node:20-bookworm-slim, compiled code and production dependencies only', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)/gm)].map((m) => [m[1], m[2]]);
  expect(stages).toEqual([
    ['node:20-bookworm-slim', 'build'],
    ['node:20-bookworm-slim', 'runtime'],
  ]);
  const [build, runtime] = dockerfile.split(/^FROM .* AS runtime$/m);
  expect(build).toMatch(/RUN npm ci/);
  expect(build).toMatch(/RUN npm run build/);
  expect(runtime).toMatch(/RUN npm ci --omit=dev/);
  expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
  expect(runtime).toMatch(/^CMD \["node", "dist\/api\/server\.js"\]/m);
  expect(runtime).not.toMatch(/tsx/);
});

it('README: every environment variable of infra/config.ts, and no link outside the repository', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const config = readFileSync(path.join(ROOT, 'infra', 'config.ts'), 'utf8');
  const schema = config.slice(config.indexOf('const configSchema = z.object({'), config.indexOf('});', config.indexOf('const configSchema')));
  const variables = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
  expect(variables.length).toBeGreaterThanOrEqual(30);
  expect(variables.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  expect(readme).not.toMatch(/\.\.\//);
  for (const part of ['/openapi.json', '/docs', '/livez', '/readyz', '/metrics', '.venv/bin/temporal', 'create-key --role admin', 'docker compose up']) expect(readme).toContain(part);
});

it('worker tuning and the prebuilt workflow bundle come from configuration and the build', () => {
  const config = loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '50', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20', WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '10', WORKER_MAX_CACHED_WORKFLOWS: '300' });
  expect(workerTuning(config)).toEqual({ maxConcurrentActivityTaskExecutions: 50, maxConcurrentWorkflowTaskExecutions: 20, maxConcurrentLocalActivityExecutions: 10, maxCachedWorkflows: 300 });
  // Unset (or empty) keeps the SDK's defaults; nonsense is refused at start, naming the variable.
  expect(workerTuning(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '' }))).toEqual({});
  expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: 'many' })).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
  expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
  // The compiled worker (dist/worker.js) finds the bundle `npm run build` writes next to it.
  expect(PREBUILT_BUNDLE).toBe(path.join(ROOT, 'workflow-bundle.js'));
  const build = readFileSync(path.join(ROOT, 'scripts', 'build.ts'), 'utf8');
  expect(build).toMatch(/bundleWorkflowCode/);
  expect(build).toContain("path.join(DIST, 'workflow-bundle.js')");
});
