// Module customization hooks (they run on Node's loader thread): append each loaded file:// URL
// to BENCH_INVENTORY_FILE. Only ESM loads pass here; child.mjs adds CommonJS from require.cache.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && process.env.BENCH_INVENTORY_FILE) appendFileSync(process.env.BENCH_INVENTORY_FILE, `${url}\n`);
  return nextLoad(url, context);
}
