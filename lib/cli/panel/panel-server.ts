import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../webhook';
import type { PanelAnswer, PanelBackend } from './panel-backend';
import { panelPage } from './panel-page';

/** The largest request the page sends: a flag definition, which the application caps at 16 MiB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How long a request body may take to arrive: the page sends it at once. */
const BODY_TIMEOUT_MS = 10_000;

/** A running panel: where to open it (its token included), and how to stop it. @internal */
export interface RunningPanel {
  url: string;
  port: number;
  close(): Promise<void>;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The JSON body of a request, read within the panel's bounds; `{}` when there is none. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  // A body too large or too slow fails with BodyReadError, whose message the answer carries.
  const bytes = await readBody(request, { maxBytes: MAX_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error('not JSON');
  }
}

function send(response: ServerResponse, answer: PanelAnswer): void {
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(answer.body));
}

/**
 * Serves the control panel on loopback only. Its page is public (it holds nothing); every call
 * of its API must carry the session token printed with the address, in a header, so that
 * another site open in the same browser can neither read nor change flags (a cross-site request
 * cannot set the header without a preflight this server never grants), and the Host header must
 * name this server, so that a DNS-rebound name cannot reach it either.
 * @internal
 */
export async function startPanelServer(
  backend: PanelBackend,
  port: number,
  token = randomBytes(24).toString('base64url'),
): Promise<RunningPanel> {
  let hosts: string[] = [];
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, { status: 500, body: { error: 'panel_error' } });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hosts.includes(request.headers.host ?? '')) {
      return send(response, { status: 421, body: { error: 'wrong_host' } });
    }
    const path = new URL(request.url ?? '/', 'http://panel').pathname;
    if (request.method === 'GET' && path === '/') {
      const nonce = randomBytes(16).toString('base64');
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
      response.end(panelPage(nonce));
      return;
    }
    if (!path.startsWith('/api/'))
      return send(response, { status: 404, body: { error: 'not_found' } });
    const given = request.headers['x-panel-token'];
    if (typeof given !== 'string' || !same(given, token)) {
      return send(response, { status: 401, body: { error: 'token_required' } });
    }
    if (request.method === 'GET' && path === '/api/overview') {
      return send(response, await backend.overview());
    }
    if (request.method !== 'POST')
      return send(response, { status: 405, body: { error: 'method' } });
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      return send(response, { status: 415, body: { error: 'json_required' } });
    }
    let body: unknown;
    try {
      body = await readJson(request);
    } catch (error) {
      return send(response, { status: 400, body: { error: (error as Error).message } });
    }
    if (path === '/api/evaluate') return send(response, await backend.evaluate(body));
    if (path === '/api/change') return send(response, await backend.change(body));
    if (path === '/api/push') return send(response, await backend.push());
    return send(response, { status: 404, body: { error: 'not_found' } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  hosts = [`127.0.0.1:${bound}`, `localhost:${bound}`];
  return {
    url: `http://127.0.0.1:${bound}/#token=${token}`,
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
