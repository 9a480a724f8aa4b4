import type { Context } from '@nocobase/actions';
import type { Transactionable } from '@nocobase/database';

/** What a database hook receives besides the row: the write's transaction and, from a request, its context. */
export type HookOptions = Transactionable & { context?: Context };
