import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { SmsExampleStack, type SmsExampleStackProps } from './stack.js';

export interface ExampleAppOptions
  extends Pick<SmsExampleStackProps, 'bundleDir' | 'twilioFrom' | 'twilioSecretName' | 'twilioSecretVersion'> {
  /** Cloud assembly directory. Default: `CDK_OUTDIR` when run by the CDK CLI, else a temp dir. */
  readonly outdir?: string;
}

/**
 * The example app. The stack is environment-agnostic (no account or region, no lookups), so
 * synthesis needs no AWS credentials and no network; `cdk deploy` fills both in.
 *
 * @example `const { app } = buildApp({ outdir: 'cdk.out' }); app.synth();`
 */
export function buildApp(options: ExampleAppOptions = {}): { app: App; stack: SmsExampleStack } {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), analyticsReporting: false });
  const stack = new SmsExampleStack(app, 'CognitoSmsExample', {
    description: 'cognito-sms example: a phone-number user pool whose SMS go through Twilio',
    ...(options.bundleDir ? { bundleDir: options.bundleDir } : {}),
    twilioFrom: options.twilioFrom ?? (app.node.tryGetContext('twilioFrom') as string | undefined),
    twilioSecretName: options.twilioSecretName ?? (app.node.tryGetContext('twilioSecretName') as string | undefined),
    twilioSecretVersion: options.twilioSecretVersion ?? (app.node.tryGetContext('twilioSecretVersion') as string | undefined),
  });
  return { app, stack };
}

/** Synthesises the example into `outdir` and returns the cloud assembly. */
export function synthesize(options: ExampleAppOptions = {}): CloudAssembly {
  return buildApp(options).app.synth();
}
