import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { answerClientErrors } from '../../api/client-errors';

export interface Listening {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** The app on a real port with the production server's parser-error answers (431, 414, 400). */
export async function listen(app: express.Express): Promise<Listening> {
  const server = http.createServer(app);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends raw bytes and returns the whole answer (for requests a client library would refuse to send). */
export function rawRequest(port: number, bytes: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
    });
  });
}
