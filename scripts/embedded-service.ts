/**
 * Runs one embedded part of `npm start` (PostgreSQL, the Temporal dev server or the SMTP sink) as a
 * process of its own, which start.ts spawns in its own process group: a terminal's Ctrl-C then
 * reaches start.ts only, which stops the parts in order. Prints `READY {json}` once usable and
 * stops the part on SIGTERM/SIGINT, exiting 0.
 */
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { startSmtpSink } from '../infra/smtp-sink';

interface Options {
  dir: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  namespace?: string;
}

async function start(kind: string, o: Options): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  if (kind === 'postgres') {
    const pg = await startEmbeddedPostgres({ dir: o.dir, port: o.port });
    return { info: { url: pg.url }, stop: () => pg.stop() };
  }
  if (kind === 'temporal') {
    const t = await startTemporalDevServer({ port: o.port, uiPort: o.uiPort, dbFile: o.dbFile, namespace: o.namespace });
    return { info: { address: t.address, uiUrl: t.uiUrl }, stop: () => t.stop() };
  }
  if (kind === 'smtp') {
    const sink = await startSmtpSink({ port: o.port, dir: o.dir });
    return { info: { url: sink.url }, stop: () => sink.stop() };
  }
  throw new Error(`unknown embedded part ${kind}`);
}

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2);
  const part = await start(kind, JSON.parse(json) as Options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    part.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(`${kind}: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs hooks that exit at once on a signal; this process stops the part itself.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
  process.stdout.write(`READY ${JSON.stringify(part.info)}\n`);
}

main().catch((err) => {
  console.error(`${process.argv[2]}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
