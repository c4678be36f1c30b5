/**
 * No Lambda bundle for the chosen providers was found where `npm run bundle` writes them.
 *
 * @example
 * ```ts
 * try { new CognitoSmsSender(stack, 'Sms', props) } catch (e) { if (isBundleNotFoundError(e)) console.error(e.message) }
 * ```
 */
export class BundleNotFoundError extends Error {
  override name = 'BundleNotFoundError' as const;
  /** The zip that was looked for. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

/**
 * The construct's props cannot produce a working trigger (no providers, a reserved variable
 * in `environment`, a pool that already has another custom SMS sender or KMS key, …).
 *
 * @example `if (isInvalidSenderPropsError(e)) console.error(e.message)`
 */
export class InvalidSenderPropsError extends Error {
  override name = 'InvalidSenderPropsError' as const;
  /** The prop at fault, e.g. `environment` or `kmsKey`. */
  readonly prop: string;
  constructor(prop: string, message: string) {
    super(`CognitoSmsSender: ${prop}: ${message}`);
    this.prop = prop;
  }
}

/** True for a {@link BundleNotFoundError}, also across two copies of this package. */
export const isBundleNotFoundError = (error: unknown): error is BundleNotFoundError =>
  error instanceof BundleNotFoundError || (error instanceof Error && error.name === 'BundleNotFoundError');

/** True for an {@link InvalidSenderPropsError}, also across two copies of this package. */
export const isInvalidSenderPropsError = (error: unknown): error is InvalidSenderPropsError =>
  error instanceof InvalidSenderPropsError || (error instanceof Error && error.name === 'InvalidSenderPropsError');
