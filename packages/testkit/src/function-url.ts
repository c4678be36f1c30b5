// A loopback Lambda function URL: turns each HTTP request into the event a function URL sends
// (payload format 2.0, "Invoking Lambda function URLs", docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html)
// and answers with what the handler returns, so providers' emulators can call the receipts
// function over real HTTP, as they call a deployed one.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request event of a function URL (the fields Lambda documents for payload format 2.0). */
export interface FunctionUrlEvent {
  readonly version: '2.0';
  readonly routeKey: '$default';
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  /** Lower-case names; repeated headers joined with commas. */
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly requestContext: {
    readonly accountId: 'anonymous';
    readonly apiId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: {
      readonly method: string;
      readonly path: string;
      readonly protocol: string;
      readonly sourceIp: string;
      readonly userAgent: string;
    };
    readonly requestId: string;
    readonly routeKey: '$default';
    readonly stage: '$default';
    readonly time: string;
    readonly timeEpoch: number;
  };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** What the handler may return: the structured response format. */
export interface FunctionUrlResult {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

export type FunctionUrlHandler = (event: FunctionUrlEvent, context: FunctionUrlContext) => Promise<FunctionUrlResult | string | undefined>;

/** The context fields handlers of this project read. */
export interface FunctionUrlContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export interface FunctionUrl {
  /** `http://127.0.0.1:<port>`: what SMS_RECEIPTS_URL holds in tests. */
  readonly url: string;
  /** Every event the handler received. */
  readonly events: FunctionUrlEvent[];
  close(): Promise<void>;
}

// A function URL's payload limit is 6 MB; beyond it Lambda answers 413 without invoking.
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
// Lambda base64-encodes every body whose content type is not text (the docs' list).
const TEXT_CONTENT = /^(text\/|application\/(json|javascript|xml|yaml)|[^;]*\+(json|xml))/i;

/**
 * Starts a loopback function URL in front of `handler`.
 *
 * @example
 * ```ts
 * const receipts = await startFunctionUrl(await createReceiptsHandler(env));
 * const env = { SMS_RECEIPTS_URL: receipts.url };
 * ```
 */
export async function startFunctionUrl(handler: FunctionUrlHandler): Promise<FunctionUrl> {
  const events: FunctionUrlEvent[] = [];
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (body === undefined) {
        res
          .writeHead(413, { 'content-type': 'application/json' })
          .end('{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}');
        return;
      }
      const event = toEvent(req, body, server.address() as AddressInfo);
      events.push(event);
      const result = await handler(event, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => 10_000 });
      // A string or nothing is a 200 with that body, as Lambda treats a non-structured result.
      const structured: FunctionUrlResult =
        typeof result === 'object' && result !== null ? result : { statusCode: 200, body: result ?? '' };
      const payload = structured.isBase64Encoded ? Buffer.from(structured.body ?? '', 'base64') : Buffer.from(structured.body ?? '');
      res.writeHead(structured.statusCode ?? 200, { ...structured.headers, 'content-length': payload.length }).end(payload);
    } catch {
      // An unhandled error in the function: Lambda answers 502 without the error's text.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"Message":"Internal Server Error"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toEvent(req: IncomingMessage, body: Buffer, address: AddressInfo): FunctionUrlEvent {
  const url = new URL(req.url ?? '/', 'http://function-url');
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const text = TEXT_CONTENT.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'loopback',
      domainName: `127.0.0.1:${address.port}`,
      domainPrefix: '127',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}
