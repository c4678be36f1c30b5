// Shared by the loopback AWS emulators that speak the AWS JSON 1.1 protocol: `POST /` with
// `X-Amz-Target: <Service>.<Operation>` and a JSON body; errors are a 400 with
// `{ "__type": "<ErrorCode>", "message": "…" }` and the `x-amzn-ErrorType` header, which the
// AWS SDK v3 turns into the modeled exception (`ResourceNotFoundException`, `ParameterNotFound`).
import { randomUUID } from 'node:crypto';
import { type Emulator, type RecordedRequest, type ScriptedResponse, startEmulator } from '../emulator.js';

/** One call an AWS emulator answered. */
export interface AwsCall {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly status: number;
}

/** An AWS error, as the service returns it. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** An AWS emulator: the emulator kit's recording and scripting, plus the calls by operation. */
export interface AwsJsonEmulator extends Emulator {
  /** `http://127.0.0.1:<port>`: set it as `AWS_ENDPOINT_URL_<SERVICE>`. */
  readonly endpoint: string;
  readonly calls: AwsCall[];
  /** Makes the next call of `operation` fail with this AWS error. */
  injectFault(fault: { operation: string; type: string; status?: number; message?: string }): void;
}

/**
 * Starts a loopback server for one AWS JSON 1.1 service. Requests must be SigV4-signed for
 * `signingName` (the SDK always signs; an unsigned request means the client is misconfigured).
 */
export async function startAwsJsonEmulator(options: {
  targetPrefix: string;
  signingName: string;
  operations: Readonly<Record<string, (input: Record<string, unknown>) => Record<string, unknown>>>;
}): Promise<AwsJsonEmulator> {
  const calls: AwsCall[] = [];
  const faults: { operation: string; type: string; status?: number; message?: string }[] = [];
  const answer = (status: number, body: unknown, errorType?: string): ScriptedResponse => ({
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
    body: JSON.stringify(body),
  });
  const route = (request: RecordedRequest): ScriptedResponse => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(`${options.targetPrefix}.`) ? target.slice(options.targetPrefix.length + 1) : target;
    let input: Record<string, unknown> = {};
    try {
      const authorization = String(request.headers.authorization ?? '');
      if (!authorization.startsWith('AWS4-HMAC-SHA256') || !authorization.includes(`/${options.signingName}/aws4_request`)) {
        throw new AwsJsonError('MissingAuthenticationTokenException', `Request is missing a SigV4 signature for ${options.signingName}`);
      }
      if (request.method !== 'POST') throw new AwsJsonError('UnknownOperationException', 'POST only');
      input = JSON.parse(request.body || '{}') as Record<string, unknown>;
      const run = options.operations[operation];
      if (!run) throw new AwsJsonError('UnknownOperationException', `Unsupported operation ${target}`);
      const faultIndex = faults.findIndex((f) => f.operation === operation);
      if (faultIndex >= 0) {
        const [fault] = faults.splice(faultIndex, 1);
        if (fault) throw new AwsJsonError(fault.type, fault.message ?? fault.type, fault.status);
      }
      const output = run(input);
      calls.push({ operation, input, status: 200 });
      return answer(200, output);
    } catch (error) {
      const failure =
        error instanceof AwsJsonError
          ? error
          : new AwsJsonError('SerializationException', error instanceof Error ? error.message : 'bad request');
      calls.push({ operation, input, status: failure.status });
      return answer(failure.status, { __type: failure.type, message: failure.message }, failure.type);
    }
  };
  const emulator = await startEmulator(route);
  return {
    ...emulator,
    endpoint: emulator.baseUrl,
    calls,
    injectFault: (fault) => faults.push(fault),
    reset: () => {
      emulator.reset();
      calls.length = 0;
      faults.length = 0;
    },
  };
}
