import type { Database, Model, Transactionable } from '@nocobase/database';

export type VoiceSettings = {
  submissionsPerIp: number;
  submissionsPerCode: number;
  lookupsPerIp: number;
  windowMinutes: number;
  maxPhotos: number;
  maxPhotoKb: number;
  classifyWithinDays: number;
  creditItemCode: string;
  mediationItemCode: string;
  /** 亮承诺 printed on the QR cards; empty for the default wording (in the reader's language). */
  cardPledge: string;
  /** The address the public reaches this system at (https://…), printed in the QR codes; empty: the address of the request. */
  publicUrl: string;
};

export const DEFAULT_SETTINGS: VoiceSettings = {
  submissionsPerIp: 5,
  submissionsPerCode: 30,
  lookupsPerIp: 60,
  windowMinutes: 10,
  maxPhotos: 3,
  maxPhotoKb: 2048,
  classifyWithinDays: 1,
  creditItemCode: 'D14',
  mediationItemCode: 'D22',
  cardPledge: '',
  publicUrl: '',
};

const num = (v: unknown, fallback: number) =>
  v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? fallback : Number(v);

/** The settings row (publicVoiceSettings), with the defaults for anything missing. */
export async function readSettings(db: Database, options: Transactionable = {}): Promise<VoiceSettings> {
  const row: Model | null = await db
    .getRepository('publicVoiceSettings')
    .findOne({ sort: ['id'], transaction: options.transaction });
  const v: Partial<VoiceSettings> = row?.toJSON() ?? {};
  const d = DEFAULT_SETTINGS;
  return {
    submissionsPerIp: num(v.submissionsPerIp, d.submissionsPerIp),
    submissionsPerCode: num(v.submissionsPerCode, d.submissionsPerCode),
    lookupsPerIp: num(v.lookupsPerIp, d.lookupsPerIp),
    windowMinutes: num(v.windowMinutes, d.windowMinutes),
    maxPhotos: num(v.maxPhotos, d.maxPhotos),
    maxPhotoKb: num(v.maxPhotoKb, d.maxPhotoKb),
    classifyWithinDays: num(v.classifyWithinDays, d.classifyWithinDays),
    creditItemCode: v.creditItemCode || d.creditItemCode,
    mediationItemCode: v.mediationItemCode || d.mediationItemCode,
    cardPledge: String(v.cardPledge ?? '').trim(),
    publicUrl: /^https?:\/\/[^\s/]+$/.test(
      String(v.publicUrl ?? '')
        .trim()
        .replace(/\/+$/, ''),
    )
      ? String(v.publicUrl).trim().replace(/\/+$/, '')
      : '',
  };
}
