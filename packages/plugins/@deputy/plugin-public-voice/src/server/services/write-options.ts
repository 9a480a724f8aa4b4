import type { Context } from '@nocobase/actions';
import type { CreateOptions, Transaction, UpdateOptions } from '@nocobase/database';

/**
 * What the opinion and mediation steps pass to their writes and what the hooks of those collections read
 * (rules.ts): the transaction, the request (its language and user), the clock's `now` (server code only: the
 * demo town opens past cases), and the flag marking a step's own write — other writes of status or clock are
 * refused.
 */
export type WriteOptions = {
  transaction?: Transaction;
  context?: Context;
  now?: Date;
  opinionFlow?: boolean;
  mediationFlow?: boolean;
};
export type StepOptions = Pick<WriteOptions, 'transaction' | 'context' | 'now'>;
export type FlowCreate = CreateOptions & WriteOptions;
export type FlowUpdate = UpdateOptions & WriteOptions;
