// Synthesises the example app: `npm run synth` (offline, into examples/cdk/cdk.out) or as the
// CDK CLI's app command: `npx aws-cdk@2 deploy --app "node examples/cdk/dist/main.js"`.
import { relative } from 'node:path';
import { synthesize } from './app.js';

const assembly = synthesize({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
for (const stack of assembly.stacks) {
  const resources = Object.keys((stack.template as { Resources?: object }).Resources ?? {}).length;
  console.log(`${stack.stackName}: ${resources} resources → ${relative(process.cwd(), stack.templateFullPath)}`);
  for (const message of stack.messages) console.warn(`${message.level}: ${message.id}: ${String(message.entry.data)}`);
}
