import { createHandler } from './create-handler.js';

export type { CustomSmsSenderHandler } from './create-handler.js';

/**
 * The Lambda entry. The environment is read here, once per container, during init: a bad
 * configuration fails the cold start with one message naming every variable at fault.
 */
export const handler = await createHandler(process.env);
