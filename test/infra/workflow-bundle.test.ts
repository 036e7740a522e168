import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../infra/codec';
import { cachedWorkflowBundle, workflowBundleHash } from '../../infra/workflow-bundle';
import { requireEnv, testDataConverter } from '../support/harness';

// A workflow module of its own, so the test bundles in seconds and can change its source.
const WORKFLOW = (greeting: string) => `export async function greet(name: string): Promise<string> {\n  return '${greeting} ' + name;\n}\n`;

describe('workflow bundle cached under DATA_DIR (infra/workflow-bundle.ts)', () => {
  let dir: string;
  let src: string;
  let cache: string;
  const source = () => ({ workflowsPath: path.join(src, 'index.ts'), failureConverterPath: FAILURE_CONVERTER_PATH, inputs: [src] });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cc-bundle-'));
    src = path.join(dir, 'workflows');
    cache = path.join(dir, 'data', 'workflow-bundle');
    mkdirSync(src);
    // The bundler resolves @temporalio/workflow from the sources' folder upwards.
    symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
    writeFileSync(path.join(src, 'index.ts'), WORKFLOW('Buongiorno'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keys the bundle by the sources: an edit changes the hash, files outside the inputs do not', () => {
    const before = workflowBundleHash(source());
    expect(workflowBundleHash(source())).toBe(before);
    mkdirSync(path.join(src, 'node_modules'), { recursive: true });
    writeFileSync(path.join(src, 'node_modules', 'x.js'), 'ignored');
    writeFileSync(path.join(src, 'notes.txt'), 'not a source');
    expect(workflowBundleHash(source())).toBe(before);
    writeFileSync(path.join(src, 'index.ts'), WORKFLOW('Buonasera'));
    expect(workflowBundleHash(source())).not.toBe(before);
    writeFileSync(path.join(src, 'index.ts'), WORKFLOW('Buongiorno'));
    expect(workflowBundleHash(source())).toBe(before);
  });

  it('builds once in a child process, then reuses the file; a source change replaces it', async () => {
    const first = await cachedWorkflowBundle(source(), cache);
    expect(first.built).toBe(true);
    expect(readFileSync(first.codePath, 'utf8')).toContain('Buongiorno');
    // The bundler ran in a child: this process never loaded webpack's compiler output into a worker.
    const again = await cachedWorkflowBundle(source(), cache);
    expect(again).toEqual({ codePath: first.codePath, built: false });

    writeFileSync(path.join(src, 'index.ts'), WORKFLOW('Salve'));
    const changed = await cachedWorkflowBundle(source(), cache);
    expect(changed.built).toBe(true);
    expect(changed.codePath).not.toBe(first.codePath);
    expect(existsSync(first.codePath)).toBe(false);
    expect(readdirSync(cache)).toEqual([path.basename(changed.codePath)]);
  });

  it('a bundler failure is reported and leaves no file behind', async () => {
    writeFileSync(path.join(src, 'index.ts'), `import { nope } from './missing';\nexport async function greet(): Promise<string> { return nope; }\n`);
    await expect(cachedWorkflowBundle(source(), cache)).rejects.toThrow(/workflow bundler exited/);
    expect(readdirSync(cache).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a worker runs workflows from the cached bundle (with the encrypting data converter)', async () => {
    writeFileSync(path.join(src, 'index.ts'), WORKFLOW('Ciao'));
    const { codePath } = await cachedWorkflowBundle(source(), cache);
    const address = requireEnv('TEST_TEMPORAL_ADDRESS');
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    const taskQueue = `bundle-${process.pid}-${Date.now()}`;
    try {
      const worker = await Worker.create({ connection: nativeConnection, taskQueue, dataConverter: testDataConverter(), workflowBundle: { codePath } });
      const client = new Client({ connection, dataConverter: testDataConverter() });
      const result = await worker.runUntil(client.workflow.execute('greet', { taskQueue, workflowId: `bundle-test:${taskQueue}`, args: ['Lucia'] }));
      expect(result).toBe('Ciao Lucia');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});

describe('the lifecycles bundle (workflowBundleOptions, built once per test run)', () => {
  const code = () => readFileSync(requireEnv('TEST_WORKFLOW_BUNDLE'), 'utf8');
  const sourceMapOf = (bundle: string) => {
    const marker = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';
    const at = bundle.lastIndexOf(marker);
    expect(at).toBeGreaterThan(0);
    return JSON.parse(Buffer.from(bundle.slice(at + marker.length).trim(), 'base64').toString('utf8')) as { sources: string[]; sourcesContent?: unknown[]; mappings: string };
  };

  it('leaves moment locales out: date-holidays brings translations of its own', () => {
    const bundle = code();
    expect(bundle).toContain('date-holidays');
    expect(bundle).not.toMatch(/moment\/locale\/(it|de|fr)\.js/);
  });

  it('maps our workflow code without carrying a copy of every source file', () => {
    const map = sourceMapOf(code());
    expect(map.sources.some((s) => s.endsWith(path.join('workflows', 'contact.ts')))).toBe(true);
    expect(map.mappings.length).toBeGreaterThan(0);
    expect(map.sourcesContent ?? []).toEqual([]);
    // A worker thread parses this map: it stays small beside the code.
    expect(code().length).toBeLessThan(6_000_000);
  });
});
