// Imports one module in a fresh process and reports the import's wall and CPU time and the
// process's peak RSS on fd 3 (for breakdown.mjs). argv[2]: the module's absolute path.
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const cpu = process.cpuUsage();
const started = performance.now();
if (file.endsWith('.cjs')) createRequire(import.meta.url)(file);
else await import(pathToFileURL(file).href);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
writeSync(3, JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
process.exit(0);
