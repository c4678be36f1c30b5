// `node --import ./inventory-register.mjs`: records every ES module file the process loads.
import { register } from 'node:module';

register('./inventory-hooks.mjs', import.meta.url);
