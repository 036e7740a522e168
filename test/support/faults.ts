import net from 'node:net';
import type { Db } from '../../infra/db';

/**
 * The first write of a renewals delivery row fails, as if the worker died after the relay took the
 * email but before the send was recorded.
 */
export async function failFirstDeliveryRecord(db: Db): Promise<void> {
  await db.raw(`
    create sequence fail_once;
    create function fail_delivery_once() returns trigger language plpgsql as $$
    begin
      if nextval('fail_once') = 1 then raise exception 'simulated crash after the email left'; end if;
      return new;
    end $$;
    create trigger fail_delivery_once before insert on renewals_export_deliveries for each row execute function fail_delivery_once();
  `);
}

/** A TCP proxy in front of a server that a test can cut (connections refused, open ones reset) and restore. */
export interface CuttableProxy {
  port: number;
  /** Refuse new connections and reset the open ones, as when the server or the network goes away. */
  cut(): Promise<void>;
  /** Accept connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetHost: string, targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    port,
    cut,
    restore: () => listen(port),
    close: async () => {
      if (server.listening) await cut();
    },
  };
}
