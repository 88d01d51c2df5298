import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** An answer read off the wire: status, headers and body text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Sends exactly these bytes to `server` (supertest re-encodes a Buffer sent with a JSON media
 * type), optionally in slices with pauses in between, and resolves with the answer. A request
 * the server answers before it has read the whole body resolves with that answer.
 */
export function rawRequest(
  server: Server,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    /** Send the body in this many slices, `pauseMs` apart. */
    slices?: number;
    pauseMs?: number;
  },
): Promise<RawAnswer> {
  if (!server.listening) server.listen(0);
  const { port } = server.address() as AddressInfo;
  const body = options.body ?? Buffer.alloc(0);
  return new Promise<RawAnswer>((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path,
        // Chunked when asked for, else the exact length.
        headers: {
          ...(options.headers?.['transfer-encoding'] === undefined
            ? { 'content-length': String(body.length) }
            : {}),
          ...options.headers,
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: text,
            json,
          });
        });
      },
    );
    // The server may answer and close before the body is sent: the answer is what counts.
    outgoing.on('error', (error) => setTimeout(() => reject(error), 50));
    const slices = Math.max(1, options.slices ?? 1);
    const size = Math.ceil(body.length / slices);
    let sent = 0;
    const next = () => {
      if (outgoing.destroyed) return;
      if (sent >= body.length) {
        outgoing.end();
        return;
      }
      outgoing.write(body.subarray(sent, sent + size));
      sent += size;
      setTimeout(next, options.pauseMs ?? 0);
    };
    next();
  });
}
