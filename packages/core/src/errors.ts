/**
 * Every error this project throws on purpose is a {@link CognitoSmsError}: it has a stable
 * `code`, says whether trying again could help (`retryable`), and keeps its `cause`.
 * Messages never contain a code, a temporary password, a credential or a full phone number.
 */
export class CognitoSmsError extends Error {
  override name: string = 'CognitoSmsError';
  /** Stable, machine-readable reason, e.g. `InvalidEvent`, `KeyMismatch`. */
  readonly code: string;
  /** True when the same operation may succeed if tried again (throttling, network, 5xx). */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * The event is not a CustomSMSSender event this project can handle.
 *
 * @example
 * ```ts
 * try { parseCustomSmsSenderEvent(input) } catch (e) { if (isInvalidEventError(e)) log(e.field) }
 * ```
 */
export class InvalidEventError extends CognitoSmsError {
  override name = 'InvalidEventError' as const;
  /** Dotted path of the first offending field, e.g. `request.code`; `(event)` for the whole. */
  readonly field: string;
  constructor(field: string, message: string, options: { cause?: unknown } = {}) {
    super('InvalidEvent', `Invalid CustomSMSSender event: ${message}`, options);
    this.field = field;
  }
}

/** Why a ciphertext could not be turned into a code. */
export type DecryptErrorCode =
  | 'MalformedCiphertext'
  | 'KeyMismatch'
  | 'UserPoolMismatch'
  | 'TooManyDataKeys'
  | 'InvalidCiphertext'
  | 'KmsUnavailable';

/**
 * The event's `request.code` could not be decrypted. `code` tells why; a key mismatch names
 * both the configured key ARNs and the ARN the message was encrypted under.
 */
export class DecryptError extends CognitoSmsError {
  override name = 'DecryptError' as const;
  declare readonly code: DecryptErrorCode;
  constructor(code: DecryptErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** The event is valid but must not be delivered (pool not allowed, number not E.164, …). */
export class DeliveryRejectedError extends CognitoSmsError {
  override name = 'DeliveryRejectedError' as const;
}

/** Why a destination was refused by the SMS-pumping defence. */
export type DestinationBlockedCode = 'CountryNotAllowed' | 'CountryBlocked' | 'NumberTypeBlocked' | 'UnknownDestination';

/**
 * The destination is excluded by `SMS_ALLOWED_COUNTRIES`, `SMS_BLOCKED_COUNTRIES` or
 * `SMS_BLOCKED_NUMBER_TYPES`, or its region is unknown while one of them is set
 * (`UnknownDestination`, unless `SMS_ALLOW_UNKNOWN_COUNTRY`): nothing was decrypted or sent.
 * Carries the region and the number type, never the number.
 *
 * @example `if (isDestinationBlockedError(e)) metrics.blocked(e.country)`
 */
export class DestinationBlockedError extends CognitoSmsError {
  override name = 'DestinationBlockedError' as const;
  declare readonly code: DestinationBlockedCode;
  /** ISO region, when known. */
  readonly country: string | undefined;
  /** The number type, when it was checked. */
  readonly numberType: string | undefined;
  constructor(code: DestinationBlockedCode, message: string, destination: { country?: string | undefined; type?: string | undefined }) {
    super(code, message);
    this.country = destination.country;
    this.numberType = destination.type;
  }
}

/** What refused a message in the fraud guard. */
export type RateLimitedCode =
  | 'NumberLimit'
  | 'UserLimit'
  | 'PrefixLimit'
  | 'PrefixQuarantined'
  | 'CountryLimit'
  | 'CountrySurge'
  | 'GlobalLimit'
  | 'BudgetExhausted'
  | 'GuardUnavailable';

/**
 * The fraud guard refused the message: a limit (`SMS_LIMIT_*`), the spend budget
 * (`SMS_BUDGET`), a quarantined prefix, a country's surge, or an unreachable store with
 * `SMS_GUARD_ON_STORE_ERROR=closed`. Raised before anything is decrypted or sent. The message
 * names the limit (`SMS_LIMIT_PER_NUMBER 5/10m`), never the number or the user. Not retryable:
 * a retry of the same event inside the window would be refused again and costs an invocation.
 *
 * @example `if (isRateLimitedError(e)) metrics.rateLimited(e.code)`
 */
export class RateLimitedError extends CognitoSmsError {
  override name = 'RateLimitedError' as const;
  declare readonly code: RateLimitedCode;
  /** The limit as configured, e.g. `5/10m` or `20/h` of the budget; undefined for quarantine and store errors. */
  readonly limit: string | undefined;
  /** ISO region of the destination, when known. */
  readonly country: string | undefined;
  constructor(code: RateLimitedCode, message: string, options: { limit?: string; country?: string; cause?: unknown } = {}) {
    super(code, message, { retryable: false, cause: options.cause });
    this.limit = options.limit;
    this.country = options.country;
  }
}

/** One invalid or missing setting, named as the operator wrote it (an env variable). */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/**
 * The configuration is incomplete or invalid. The message lists every issue at once so one
 * deployment fixes them all.
 */
export class ConfigError extends CognitoSmsError {
  override name = 'ConfigError' as const;
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown } = {}) {
    super('InvalidConfig', `Invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`, options);
    this.issues = issues;
  }
}

/**
 * A provider did not accept a message. Adapters classify their provider's answers:
 * `retryable` for throttling, 5xx, network errors and timeouts; permanent for invalid numbers,
 * opt-outs, blocked destinations and bad credentials.
 *
 * @example
 * ```ts
 * throw new ProviderError({ provider: 'twilio', code: '21211', message: 'Invalid To number', retryable: false, status: 400 })
 * ```
 */
export class ProviderError extends CognitoSmsError {
  override name = 'ProviderError' as const;
  /** Id of the provider that failed, e.g. `twilio`. */
  readonly provider: string;
  /** HTTP status, when the provider answered over HTTP. */
  readonly status: number | undefined;
  /**
   * True when the provider cannot have accepted the message (429, connection refused): a
   * retry cannot duplicate it. False for ambiguous failures such as a timeout after sending.
   */
  readonly notAccepted: boolean;
  /**
   * How long the provider asked to wait before trying again (its `Retry-After`), in ms. The
   * delivery policy waits at least this long before retrying the same provider, and fails
   * over instead when it is longer than its cap (`SMS_RETRY_MAX_DELAY_MS`).
   */
  readonly retryAfterMs: number | undefined;

  constructor(init: {
    provider: string;
    code: string;
    message: string;
    retryable: boolean;
    status?: number;
    notAccepted?: boolean;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(init.code, `${init.provider}: ${init.message}`, { retryable: init.retryable, cause: init.cause });
    this.provider = init.provider;
    this.status = init.status;
    this.notAccepted = init.notAccepted ?? false;
    this.retryAfterMs =
      init.retryAfterMs !== undefined && Number.isFinite(init.retryAfterMs) && init.retryAfterMs >= 0 ? init.retryAfterMs : undefined;
  }
}

// Guards check `name` as well as `instanceof`: a second copy of this package in node_modules
// (an adapter that pinned another version) breaks `instanceof`.
const hasName = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

/** True for any {@link CognitoSmsError}, from this copy of the package or another one. */
export const isCognitoSmsError = (error: unknown): error is CognitoSmsError =>
  error instanceof CognitoSmsError ||
  (typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { retryable?: unknown }).retryable === 'boolean' &&
    /Error$/.test(String((error as { name?: unknown }).name)));
/** @example `if (isProviderError(e) && e.retryable) tryNext()` */
export const isProviderError = (error: unknown): error is ProviderError =>
  error instanceof ProviderError || hasName(error, 'ProviderError');
/** @example `if (isDecryptError(e)) log(e.code)` */
export const isDecryptError = (error: unknown): error is DecryptError => error instanceof DecryptError || hasName(error, 'DecryptError');
/** @example `if (isInvalidEventError(e)) log(e.field)` */
export const isInvalidEventError = (error: unknown): error is InvalidEventError =>
  error instanceof InvalidEventError || hasName(error, 'InvalidEventError');
/** @example `if (isDestinationBlockedError(e)) log(e.country)` */
export const isDestinationBlockedError = (error: unknown): error is DestinationBlockedError =>
  error instanceof DestinationBlockedError || hasName(error, 'DestinationBlockedError');
/** @example `if (isConfigError(e)) console.error(e.message)` */
export const isConfigError = (error: unknown): error is ConfigError => error instanceof ConfigError || hasName(error, 'ConfigError');
/** @example `if (isRateLimitedError(e)) log(e.code, e.limit)` */
export const isRateLimitedError = (error: unknown): error is RateLimitedError =>
  error instanceof RateLimitedError || hasName(error, 'RateLimitedError');
