/**
 * Every lifecycle's public messages and types in one import, for callers written before the
 * contracts were split (api/). New code imports `./common` and the `<lifecycle>.contract` files.
 */
export * from './common';
export * from './contact.contract';
export * from './escalation.contract';
export * from './missed-call.contract';
export * from './complaint.contract';
export * from './renewals-export.contract';
export type { PingInput, PingResult } from './ping';
export * from './inbound-mail.contract';
