// A fault-injecting HTTP proxy in front of a provider emulator. The adapter under test talks to
// the proxy (its base URL, or AWS_ENDPOINT_URL_<SERVICE>); the proxy forwards to the emulator,
// byte for byte and with the Host header the client signed, unless the scripted fault says
// otherwise. Because it sees whether the emulator *accepted* each forwarded request, a test can
// tell a fault where the provider never got the message (429, reset before forwarding) from
// one where it did (a timeout after acceptance, a reset mid-response): the difference that
// decides whether a second send is a duplicate.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScriptedResponse } from '@cognito-sms/testkit';

/** What the proxy does with one request. */
export type Fault =
  | { readonly kind: 'pass' }
  /** Forward, then answer late (but within the attempt timeout). */
  | { readonly kind: 'latency'; readonly delayMs: number }
  /** Hold the answer past the attempt timeout; `forward`: the provider got the message first. */
  | { readonly kind: 'stall'; readonly forward: boolean }
  /** Destroy the connection: before forwarding, after forwarding, or after half the answer. */
  | { readonly kind: 'reset'; readonly when: 'before' | 'after' | 'mid' }
  /** A 5xx answer; `forward`: the provider processed the message before failing. */
  | { readonly kind: 'server'; readonly status: 500 | 502 | 503 | 504; readonly forward: boolean }
  /** The provider's throttling answer (HTTP 429 or its own throttling error), not forwarded. */
  | { readonly kind: 'throttle'; readonly retryAfter?: string | undefined }
  /** A documented permanent rejection (invalid number), not forwarded. */
  | { readonly kind: 'permanent' }
  /** Forwarded, then a 2xx answer whose body is cut short or is not the provider's format. */
  | { readonly kind: 'malformed' }
  /** Forwarded, then a 2xx answer with an empty body. */
  | { readonly kind: 'empty' }
  /** HTTP 200 with an error payload (providers that report errors inside 200), not forwarded. */
  | { readonly kind: 'errorIn200'; readonly retryable: boolean };

export type FaultKind = Fault['kind'];

/** How a provider's API answers, for the faults that need the provider's own format. */
export interface ProviderAnswers {
  throttle(retryAfter: string | undefined): ScriptedResponse;
  permanent(): ScriptedResponse;
  server(status: number): ScriptedResponse;
  /** A 2xx answer the adapter cannot read. */
  malformed(): ScriptedResponse;
  /** The 2xx status of a successful send (an empty body goes with it). */
  readonly successStatus: number;
  /** HTTP 200 error payloads, for providers that have them. */
  errorIn200?(retryable: boolean): ScriptedResponse;
  /** Did the emulator accept the forwarded message (one SMS would reach the handset)? */
  accepted(status: number, body: string): boolean;
}

/** One request the proxy saw. */
export interface ProxiedRequest {
  readonly fault: Fault;
  /** The emulator received the request. */
  forwarded: boolean;
  /** The emulator accepted it: an SMS went out. */
  accepted: boolean;
}

export interface FaultProxy {
  readonly baseUrl: string;
  readonly requests: ProxiedRequest[];
  /** Faults for the next requests, in order; requests beyond the script pass. */
  script(faults: readonly Fault[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** How long a stalled answer is held: far past any attempt timeout the tests use. */
const STALL_MS = 3_000;

export async function startFaultProxy(upstream: string, answers: ProviderAnswers): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  let queue: Fault[] = [];
  const sockets = new Set<Socket>();

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      // The Host header stays the one the client sent (and signed, for SigV4).
      const upstreamRequest = httpRequest({ host: target.hostname, port: target.port, method, path, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const send = (res: ServerResponse, answer: ScriptedResponse) => {
    if (res.destroyed) return;
    const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, {
      ...(typeof answer.body === 'string' || answer.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...answer.headers,
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const fault = queue.shift() ?? { kind: 'pass' };
      const record: ProxiedRequest = { fault, forwarded: false, accepted: false };
      requests.push(record);
      const body = Buffer.concat(chunks);
      const relay = async () => {
        const answer = await forward(req.method ?? 'POST', req.url ?? '/', req.headers, body);
        record.forwarded = true;
        record.accepted = answers.accepted(answer.status, answer.body.toString('utf8'));
        return answer;
      };
      const reply = (answer: { status: number; headers: IncomingHttpHeaders; body: Buffer }) => {
        if (res.destroyed) return;
        const headers = Object.fromEntries(
          Object.entries(answer.headers).filter(([name]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(name)),
        );
        res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
        res.end(answer.body);
      };
      const run = async () => {
        switch (fault.kind) {
          case 'pass':
            return reply(await relay());
          case 'latency': {
            const answer = await relay();
            await sleep(fault.delayMs);
            return reply(answer);
          }
          case 'stall':
            if (fault.forward) await relay();
            await sleep(STALL_MS);
            return req.socket.destroy();
          case 'reset':
            if (fault.when !== 'before') {
              const answer = await relay();
              if (fault.when === 'mid' && !res.destroyed) {
                const headers = Object.fromEntries(
                  Object.entries(answer.headers).filter(([name]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(name)),
                );
                res.writeHead(answer.status, { ...headers, 'content-length': Math.max(2, answer.body.length) });
                res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
                await sleep(5);
              }
            }
            return req.socket.destroy();
          case 'server':
            if (fault.forward) await relay();
            return send(res, answers.server(fault.status));
          case 'throttle':
            return send(res, answers.throttle(fault.retryAfter));
          case 'permanent':
            return send(res, answers.permanent());
          case 'malformed':
            await relay();
            return send(res, answers.malformed());
          case 'empty':
            await relay();
            return send(res, { status: answers.successStatus, body: '' });
          case 'errorIn200':
            if (!answers.errorIn200) throw new Error('this provider has no error payloads in HTTP 200');
            return send(res, answers.errorIn200(fault.retryable));
        }
      };
      run().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`fault proxy failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (faults) => {
      queue = [...faults];
    },
    reset: () => {
      queue = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
