import type { Database, Model, Transactionable } from '@nocobase/database';

export type AidSettingsValues = {
  maxPairingsPerDeputy: number;
  visitItemCode: string;
  outcomeItemCode: string;
  defaultVisitIntervalDays: number;
};

const DEFAULTS: AidSettingsValues = {
  maxPairingsPerDeputy: 3,
  visitItemCode: 'D20',
  outcomeItemCode: 'D21',
  defaultVisitIntervalDays: 90,
};

/** The settings row (aidSettings), with the defaults for anything missing. */
export async function readSettings(db: Database, options: Transactionable = {}): Promise<AidSettingsValues> {
  const row: Model | null = await db
    .getRepository('aidSettings')
    .findOne({ sort: ['id'], transaction: options.transaction });
  const v: Partial<AidSettingsValues> = row?.toJSON() ?? {};
  return {
    maxPairingsPerDeputy: Number(v.maxPairingsPerDeputy) || DEFAULTS.maxPairingsPerDeputy,
    visitItemCode: v.visitItemCode || DEFAULTS.visitItemCode,
    outcomeItemCode: v.outcomeItemCode || DEFAULTS.outcomeItemCode,
    defaultVisitIntervalDays: Number(v.defaultVisitIntervalDays) || DEFAULTS.defaultVisitIntervalDays,
  };
}
