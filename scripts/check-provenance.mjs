#!/usr/bin/env node
// After a release: every package changesets/action published (PUBLISHED_PACKAGES, its
// `publishedPackages` output: [{ "name", "version" }]) must carry an npm provenance
// attestation, or the release is not what it claims. The registry may take a moment to show a
// new version, so each is asked a few times.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const published = JSON.parse(process.env.PUBLISHED_PACKAGES ?? '[]');
const missing = [];
for (const { name, version } of published) {
  let attestations;
  for (let attempt = 1; attempt <= 5 && !attestations; attempt++) {
    try {
      const out = execFileSync('npm', ['view', `${name}@${version}`, 'dist.attestations', '--json'], { encoding: 'utf8' }).trim();
      attestations = out ? JSON.parse(out) : undefined;
    } catch {
      // Not visible yet.
    }
    if (!attestations) await sleep(attempt * 5000);
  }
  if (attestations?.provenance) console.log(`${name}@${version}: provenance ${attestations.provenance.predicateType}`);
  else missing.push(`${name}@${version}`);
}
if (missing.length > 0) {
  console.error(`published without a provenance attestation: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`${published.length} published version(s), each with provenance`);
