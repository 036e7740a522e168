import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The problem+json answer to a request Node's HTTP parser refused before Express saw it. */
export function clientErrorResponse(err: { code?: string }): string {
  const [status, title, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large']
      : err.code === 'HPE_URI_TOO_LONG'
        ? [414, 'URI Too Long', 'The request target is too long']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'The request was not received in time']
          : [400, 'Bad Request', 'The request is malformed'];
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  return `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Answers parser errors (431, 414, 400) with problem+json instead of Node's empty body. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    socket.end(clientErrorResponse(err));
  });
}
