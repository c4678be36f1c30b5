import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request an emulator received, with its body decoded for assertions. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body as a form, when it was `application/x-www-form-urlencoded`. */
  readonly form: URLSearchParams | undefined;
  /** The body parsed as JSON, when it was JSON. */
  readonly json: unknown;
  /** Which TCP connection carried it (1 for the first one): keep-alive shows as one id. */
  readonly connectionId: number;
}

/** What the emulator answers. */
export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Wait this long before answering (a slow provider). */
  readonly delayMs?: number;
  /** Destroy the connection instead of answering (a reset mid-request). */
  readonly drop?: boolean;
}

export type EmulatorRoute = (request: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface Emulator {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** TCP connections accepted since start. */
  connections(): number;
  /** Answers the next request with this instead of the route (queued, first in first out). */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Forgets recorded requests and queued responses. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server for emulating a provider's API: it records every request, answers
 * through `route` (the provider's documented behaviour) unless a scripted response is queued,
 * and can delay or drop to simulate faults.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator((req) => ({ status: 201, body: { sid: 'SM123' } }));
 * emulator.enqueue({ status: 429, body: { code: 20429 } });
 * ```
 */
export async function startEmulator(route: EmulatorRoute): Promise<Emulator> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  const connectionIds = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  let connections = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const contentType = String(req.headers['content-type'] ?? '');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      form: contentType.includes('application/x-www-form-urlencoded') ? new URLSearchParams(body) : undefined,
      json: contentType.includes('json') && body ? safeJson(body) : undefined,
      connectionId: connectionIds.get(req.socket) ?? 0,
    };
    requests.push(recorded);
    const response = queue.shift() ?? (await route(recorded));
    if (response.delayMs) await sleep(response.delayMs);
    if (response.drop) {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    const payload = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status ?? 200, {
      ...(typeof response.body === 'string' || response.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...response.headers,
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`emulator route failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    enqueue: (...responses) => queue.push(...responses),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
