import { phoneNumber } from '@deputy/plugin-suite-core';
import crypto from 'crypto';
import fs from 'fs/promises';
import os from 'os';
import path from 'path';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type PluginFileManagerServer from '@nocobase/plugin-file-manager';
import type { Application } from '@nocobase/server';
import { OPINION_CATEGORIES } from '../collections/opinions';
import { normalizeTrackingCode, TRACKING_CODE } from './clock';
import { translate, VoiceError } from './errors';
import type { OpinionFlow } from './opinion-flow';
import { statusLabel, text } from './opinion-flow';
import { RateLimiter } from './rate-limiter';
import { readSettings } from './settings';

export const QR_TOKEN = /^[\w-]{8,64}$/;
export const LIMITS = { name: 50, content: 2000, comment: 500, filename: 100 };

/** The image types the public form takes, recognised by their first bytes (never by the name or the declared type). */
const IMAGE_TYPES = [
  {
    mimetype: 'image/jpeg',
    ext: '.jpg',
    test: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    mimetype: 'image/png',
    ext: '.png',
    test: (b: Buffer) =>
      b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    mimetype: 'image/webp',
    ext: '.webp',
    test: (b: Buffer) =>
      b.length > 12 &&
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

type Target = { deputy: Model | null; station: Model | null };
/** A message in the caller's language, `{{name}}` filled from vars. */
type T = (key: string, vars?: Record<string, unknown>) => string;

/**
 * What the public may do without signing in, through a deputy's or a station's QR code: submit an opinion
 * (with up to a few photos), follow its progress with the tracking code, and rate the result once closed.
 * Submissions and look-ups are rate-limited per address and per QR code; every text is stored as plain
 * text; photos are decoded here, checked for count, size and image type, and stored through the file
 * manager — the public never reaches the attachments API. Nothing personal is ever returned.
 */
export class PublicIntake {
  /** Shared by every node of a cluster (in the database). */
  limiter: RateLimiter;

  constructor(
    private app: Application,
    private flow: OpinionFlow,
  ) {
    this.limiter = new RateLimiter(app);
  }

  private get db() {
    return this.app.db;
  }

  /** The active deputy or the station a QR token belongs to, or null. */
  async target(token: unknown): Promise<Target | null> {
    const value = String(token ?? '').trim();
    if (!QR_TOKEN.test(value)) return null;
    const deputy: Model | null = await this.db
      .getRepository('deputies')
      .findOne({ filter: { qrToken: value }, appends: ['station'] });
    if (deputy) return deputy.get('status') === 'left' ? null : { deputy, station: deputy.get('station') ?? null };
    const station: Model | null = await this.db
      .getRepository('liaisonStations')
      .findOne({ filter: { qrToken: value } });
    return station ? { deputy: null, station } : null;
  }

  /** What the form shows about its addressee: a name and a station, nothing else. */
  describe(target: Target) {
    return {
      kind: target.deputy ? 'deputy' : 'station',
      deputy: target.deputy ? target.deputy.get('name') : null,
      station: target.station ? target.station.get('name') : null,
      categories: OPINION_CATEGORIES.map((c) => c.value),
    };
  }

  /** Refuses with 429 when the keys are over their limits; the window and limits come from the settings. */
  async throttle(ctx: Context, keys: { key: string; limit: number }[]) {
    const settings = await readSettings(this.db);
    const wait = await this.limiter.take(keys, settings.windowMinutes * 60e3);
    if (wait !== null) {
      ctx.set('Retry-After', String(wait));
      throw new VoiceError(
        translate(
          { context: ctx },
          'Too many requests from this device or for this QR code; please try again in {{minutes}} minutes',
          { minutes: Math.ceil(wait / 60) },
        ),
        429,
      );
    }
  }

  async submit(ctx: Context, params: Record<string, unknown>) {
    const t: T = (key, vars) => translate({ context: ctx }, key, vars);
    const settings = await readSettings(this.db);
    await this.throttle(ctx, [{ key: `submit-ip:${ctx.ip}`, limit: settings.submissionsPerIp }]);
    const token = String(params.token ?? '').trim();
    const target = await this.target(token);
    if (!target)
      throw new VoiceError(
        t('This QR code is not valid; please scan the code on the deputy’s card or the station’s board again'),
        404,
      );
    await this.throttle(ctx, [{ key: `submit-qr:${token}`, limit: settings.submissionsPerCode }]);
    return this.accept(target, params, { context: ctx });
  }

  /**
   * A QR submission once past the rate limits: the form's checks, the photos stored, the opinion received
   * (at `now`, by default the present; the demo town files a year of citizens' submissions through here).
   */
  async accept(target: Target, params: Record<string, unknown>, options: { context?: Context; now?: Date } = {}) {
    const { context, now } = options;
    const t: T = (key, vars) => translate({ context }, key, vars);
    const settings = await readSettings(this.db);
    const values = this.validate(params, t);
    const photos = this.decodePhotos(params.photos, settings, t);
    const stored: number[] = [];
    try {
      for (const photo of photos) stored.push(await this.storePhoto(photo));
      const opinion = await this.flow.receive(
        {
          ...values,
          source: 'qr',
          deputyId: target.deputy?.get('id') ?? null,
          stationId: target.station?.get('id') ?? null,
          photos: stored,
        },
        { context, now },
      );
      return {
        trackingCode: opinion.get('trackingCode'),
        status: 'received',
        statusText: t('Received'),
        receivedAt: opinion.get('receivedAt'),
        to: this.describe(target).deputy ?? this.describe(target).station,
      };
    } catch (e) {
      if (stored.length)
        await this.db
          .getRepository('attachments')
          .destroy({ filterByTk: stored })
          .catch(() => undefined);
      throw e;
    }
  }

  validate(params: Record<string, unknown>, t: T) {
    const asText = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' ? text(v) : v === undefined || v === null ? '' : null;
    const name = asText(params.name);
    const phone = asText(params.phone);
    const content = asText(params.content);
    const category = asText(params.category) || 'other';
    if (name === null || phone === null || content === null) throw new VoiceError(t('Fill in the form with text only'));
    if (!name) throw new VoiceError(t('Give your name'));
    if (name.length > LIMITS.name)
      throw new VoiceError(t('Your name is too long: at most {{max}} characters', { max: LIMITS.name }));
    if (phone && (phone.length > 20 || phoneNumber(phone))) throw new VoiceError(t('The phone number is not valid'));
    if (!OPINION_CATEGORIES.some((c) => c.value === category))
      throw new VoiceError(t('Choose a category from the list'));
    if (content.length < 5) throw new VoiceError(t('Describe your opinion or suggestion in at least 5 characters'));
    if (content.length > LIMITS.content)
      throw new VoiceError(t('Your opinion is too long: at most {{max}} characters', { max: LIMITS.content }));
    return { citizenName: name, citizenPhone: phone || null, category, content };
  }

  /** Photos as sent by the form: [{ name, data }] with data in base64 (a data: URL is accepted). */
  decodePhotos(photos: unknown, settings: { maxPhotos: number; maxPhotoKb: number }, t: T) {
    if (photos === undefined || photos === null || (Array.isArray(photos) && !photos.length)) return [];
    if (!Array.isArray(photos)) throw new VoiceError(t('Send the photos as a list'));
    if (photos.length > settings.maxPhotos)
      throw new VoiceError(t('At most {{max}} photos', { max: settings.maxPhotos }));
    const maxBytes = settings.maxPhotoKb * 1024;
    return photos.map((p: unknown) => {
      // A photo is a base64 string or { name, data }: whatever else was sent is read as such and refused below.
      const photo = p as { name?: unknown; data?: unknown } | null | undefined;
      const raw = typeof p === 'string' ? p : photo?.data;
      if (typeof raw !== 'string') throw new VoiceError(t('A photo could not be read'));
      const b64 = raw.replace(/^data:[^,]{0,100},/, '');
      // Refused before decoding: base64 takes 4 characters for 3 bytes.
      if (Math.floor((b64.length * 3) / 4) > maxBytes + 3)
        throw new VoiceError(t('A photo is larger than {{kb}} KB', { kb: settings.maxPhotoKb }), 413);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new VoiceError(t('A photo could not be read'));
      const buffer = Buffer.from(b64, 'base64');
      if (!buffer.length) throw new VoiceError(t('A photo could not be read'));
      if (buffer.length > maxBytes)
        throw new VoiceError(t('A photo is larger than {{kb}} KB', { kb: settings.maxPhotoKb }), 413);
      const type = IMAGE_TYPES.find((i) => i.test(buffer));
      if (!type) throw new VoiceError(t('Photos must be JPEG, PNG or WebP images'), 415);
      const title =
        text(typeof p === 'object' ? photo?.name : '')
          .replace(/[\\/<>:"|?*]/g, '_')
          .slice(0, LIMITS.filename) || 'photo';
      return { buffer, type, title };
    });
  }

  /** Writes the photo to the default storage through the file manager and returns the attachment's id. */
  private async storePhoto(photo: { buffer: Buffer; type: (typeof IMAGE_TYPES)[number]; title: string }) {
    const fileManager = this.app.pm.get<PluginFileManagerServer>('file-manager');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'opinion-photo-'));
    const filePath = path.join(dir, `${crypto.randomBytes(8).toString('hex')}${photo.type.ext}`);
    try {
      await fs.writeFile(filePath, photo.buffer);
      const record: Model = await fileManager.createFileRecord({
        collectionName: 'attachments',
        filePath,
        values: { title: photo.title, mimetype: photo.type.mimetype },
      });
      return record.get('id') as number;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** 进度查询: the status, milestones and answer of the one opinion with this code — nothing personal. */
  async track(ctx: Context, code: unknown) {
    const t: T = (key, vars) => translate({ context: ctx }, key, vars);
    const settings = await readSettings(this.db);
    await this.throttle(ctx, [{ key: `lookup-ip:${ctx.ip}`, limit: settings.lookupsPerIp }]);
    const value = normalizeTrackingCode(code);
    const opinion: Model | null = TRACKING_CODE.test(value)
      ? await this.db
          .getRepository('opinions')
          .findOne({ filter: { trackingCode: value }, appends: ['opinionClass', 'deputy', 'station'] })
      : null;
    if (!opinion) throw new VoiceError(t('No opinion has this tracking code'), 404);
    return { opinion, view: await this.publicView(opinion, t) };
  }

  async publicView(opinion: Model, t: T) {
    const milestones: Model[] = await this.db.getRepository('opinionMilestones').find({
      filter: { opinionId: opinion.get('id') },
      fields: ['kind', 'at', 'note'],
      sort: ['at', 'id'],
    });
    const klass = opinion.get('opinionClass');
    return {
      trackingCode: opinion.get('trackingCode'),
      status: opinion.get('status'),
      statusText: t(statusLabel(opinion.get('status'))),
      category: opinion.get('category'),
      class: klass ? { code: klass.get('code'), name: klass.get('name'), nameEn: klass.get('nameEn') } : null,
      to: opinion.get('deputy')?.get('name') ?? opinion.get('station')?.get('name') ?? null,
      receivedAt: opinion.get('receivedAt'),
      dueOn: opinion.get('dueOn') ?? null,
      overdue: Boolean(opinion.get('overdue')),
      milestones: milestones.map((m) => ({ kind: m.get('kind'), at: m.get('at'), note: m.get('note') })),
      answer: opinion.get('answer') ?? null,
      answeredAt: opinion.get('answeredAt') ?? null,
      // 已转为代表建议: the suggestion's number once registered.
      suggestion: opinion.get('status') === 'converted' ? (opinion.get('suggestionRef') ?? null) : null,
      closedAt: opinion.get('closedAt') ?? null,
      rating: opinion.get('rating') ?? null,
      canRate: opinion.get('status') === 'closed' && !opinion.get('rating'),
    };
  }

  /** 满意度: 1–5 stars, once, on a closed opinion. */
  async rate(ctx: Context, params: Record<string, unknown>) {
    const { opinion } = await this.track(ctx, params.code ?? params.trackingCode);
    return this.recordRating(opinion, params, { context: ctx });
  }

  /** The rating of an opinion found by its code (at `now`, by default the present): checked, kept once, with its milestone. */
  async recordRating(opinion: Model, params: Record<string, unknown>, options: { context?: Context; now?: Date } = {}) {
    const { context, now } = options;
    const t: T = (key, vars) => translate({ context }, key, vars);
    const stars = Number(params.stars ?? params.rating);
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new VoiceError(t('Rate with 1 to 5 stars'));
    const comment = typeof params.comment === 'string' ? text(params.comment) : '';
    if (comment.length > LIMITS.comment)
      throw new VoiceError(t('Your comment is too long: at most {{max}} characters', { max: LIMITS.comment }));
    if (opinion.get('status') !== 'closed')
      throw new VoiceError(t('The result can be rated once the opinion is closed'));
    const id = opinion.get('id');
    await this.db.sequelize.transaction(async (transaction) => {
      // Only a row still without a rating is updated: two ratings sent at once give one.
      const [count] = await this.db
        .getModel('opinions')
        .update(
          { rating: stars, ratingComment: comment || null },
          { where: { id, rating: null }, transaction, hooks: false },
        );
      if (!count) throw new VoiceError(t('This opinion has been rated already'));
      await this.flow.milestone(id, 'rated', t('{{stars}} stars', { stars }), { transaction, now });
    });
    const fresh = await this.db
      .getRepository('opinions')
      .findOne({ filterByTk: id, appends: ['opinionClass', 'deputy', 'station'] });
    return this.publicView(fresh, t);
  }
}
