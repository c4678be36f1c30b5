export type { GuardSettings, SendGuardOptions } from './guard.js';
export { createSendGuard } from './guard.js';
export type { RateLimit, SpendLimit } from './limits.js';
export { parseDestinationTable, parseRateLimits, parseSpendLimits, toMicros } from './limits.js';
export type { CounterUpdate, GuardRound, GuardRoundResult, GuardStore } from './store.js';
