import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../infra/ports';
import { partitionArgs, startTemporalDevServer } from '../../infra/temporal-dev-server';

const readPartitions = (args: string[]) => args.find((a) => a.startsWith('matching.numTaskqueueReadPartitions='));

describe('embedded Temporal dev server settings (issue 12)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'cc-temporal-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a new database gets one task-queue partition; an existing unmarked one keeps reading four', () => {
    const fresh = path.join(dir, 'fresh.db');
    expect(readPartitions(partitionArgs(fresh))).toBe('matching.numTaskqueueReadPartitions=1');
    writeFileSync(fresh, 'sqlite');
    // Restarted on the database it created: still one.
    expect(readPartitions(partitionArgs(fresh))).toBe('matching.numTaskqueueReadPartitions=1');
    const old = path.join(dir, 'old.db');
    writeFileSync(old, 'sqlite');
    const args = partitionArgs(old);
    expect(readPartitions(args)).toBe('matching.numTaskqueueReadPartitions=4');
    expect(args).toContain('matching.numTaskqueueWritePartitions=1');
    expect(existsSync(`${old}.one-partition`)).toBe(false);
    expect(readPartitions(partitionArgs(undefined))).toBe('matching.numTaskqueueReadPartitions=1');
  });

  it('a persistent server runs with its SQLite in WAL mode and answers', async () => {
    const dbFile = path.join(dir, 'temporal', 'temporal.db');
    const server = await startTemporalDevServer({ port: await freePort(), dbFile });
    try {
      const connection = await Connection.connect({ address: server.address });
      await new Client({ connection }).workflow.count();
      await connection.close();
      expect(existsSync(`${dbFile}-wal`)).toBe(true);
      expect(existsSync(`${dbFile}.one-partition`)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
