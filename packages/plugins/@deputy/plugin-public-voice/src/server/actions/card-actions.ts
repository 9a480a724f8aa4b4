import { defineSuiteResource } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { FilterWithOperator, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { Card, cardsPage } from '../services/qr-cards';
import { readSettings } from '../services/settings';
import { isAdministrator, myDeputy, myStationIds } from './access';

const DEPUTIES_NS = '@deputy/plugin-deputies';
const ID = /^\d{1,15}$/;

/**
 * qrCards:print — the printable "三亮" cards (亮身份、亮职责、亮承诺 and the QR code of the public form) as an
 * A4 page: administrators any station or deputy (all of them without a choice), station staff their stations
 * and those stations' deputies, a deputy its own card. `stationId` gives a station's card and its deputies',
 * `deputyId` one deputy's. Signed in only: the page carries the QR tokens, which no list of deputies shows.
 */
export function registerCardActions(app: Application) {
  defineSuiteResource(app, {
    name: 'qrCards',
    actions: {
      print: async (ctx: Context, next) => {
        // Stored values are never interpolated by i18next (it would escape them once more): labels and values are joined here.
        const t = (key: string, vars: Record<string, unknown> = {}) => ctx.t(key, { ns: NS, ...vars });
        const { deputyId, stationId } = ctx.action.params;
        const denied = () => ctx.throw(403, t('These QR cards are outside your permissions'));
        if (
          (deputyId !== undefined && !ID.test(String(deputyId))) ||
          (stationId !== undefined && !ID.test(String(stationId)))
        )
          return denied();
        const db = ctx.db;
        const admin = await isAdministrator(ctx);
        const stations = admin ? null : await myStationIds(ctx);
        const own: Model | null = admin ? null : await myDeputy(ctx);

        let stationFilter: FilterWithOperator | null = null;
        let deputyFilter: FilterWithOperator | null;
        if (deputyId !== undefined) {
          const deputy: Model | null = await db.getRepository('deputies').findOne({ filterByTk: Number(deputyId) });
          const mine =
            deputy && (admin || stations!.includes(deputy.get('stationId')) || own?.get('id') === deputy.get('id'));
          if (!mine) return denied();
          deputyFilter = { id: deputy.get('id') };
        } else if (stationId !== undefined) {
          if (!admin && !stations!.includes(Number(stationId))) return denied();
          stationFilter = { id: Number(stationId) };
          deputyFilter = { stationId: Number(stationId) };
        } else if (admin) {
          stationFilter = {};
          deputyFilter = {};
        } else if (stations!.length) {
          stationFilter = { id: { $in: stations } };
          deputyFilter = { stationId: { $in: stations } };
        } else if (own) {
          deputyFilter = { id: own.get('id') };
        } else {
          return denied();
        }

        const settings = await readSettings(db);
        // The form a card opens speaks the card's language.
        const lang = ctx.getCurrentLocale?.() ?? 'zh-CN';
        // The address the public reaches this system at (a setting, for a reverse proxy), else the one asked.
        const base = settings.publicUrl || (ctx.host ? `${ctx.protocol}://${ctx.host}` : '');
        const formUrl = (token: string) =>
          `${base}${(process.env.API_BASE_PATH || '/api/').replace(/\/?$/, '/')}opinions:form?token=${encodeURIComponent(token)}&locale=${encodeURIComponent(lang)}`;
        const tDeputies = (key: string) => ctx.t(key, { ns: DEPUTIES_NS });
        const labelOf = (collection: string, field: string, value: unknown) => {
          const options = db.getCollection(collection).getField(field)?.options?.uiSchema?.enum ?? [];
          const option = (options as { value: unknown; label: unknown }[]).find((o) => o.value === value);
          return option ? tDeputies(String(option.label).replace(/^\{\{t\("(.*?)".*$/, '$1')) : String(value ?? '');
        };
        const pledge =
          settings.cardPledge ||
          t(
            'I keep in touch with the voters, pass on their opinions and suggestions truthfully and follow them up until they are handled, and accept the voters’ supervision',
          );
        const cards: Card[] = [];

        if (stationFilter) {
          const rows: Model[] = await db
            .getRepository('liaisonStations')
            .find({ filter: stationFilter, sort: ['sort', 'id'] });
          for (const s of rows) {
            if (!s.get('qrToken')) continue;
            const days = [...(s.get('receptionDays') ?? [])]
              .map(Number)
              .sort((a, b) => a - b)
              .join('、');
            cards.push({
              kind: 'station',
              name: s.get('name'),
              identity: [
                s.get('town'),
                s.get('address'),
                s.get('phone') ? `${t('Phone: ')}${s.get('phone')}` : null,
              ].filter(Boolean),
              duties: [
                days ? `${t('Reception days of the month: ')}${days}` : null,
                t('Opinions and suggestions are registered, assigned and answered within their deadlines'),
              ].filter(Boolean) as string[],
              pledge,
              photoUrl: null,
              formUrl: formUrl(s.get('qrToken')),
            });
          }
        }
        const hasPhoto = !!db.getCollection('deputies').getField('photo');
        const deputies: Model[] = await db.getRepository('deputies').find({
          filter: { ...deputyFilter, status: { $ne: 'left' } },
          appends: ['station', 'term', ...(hasPhoto ? ['photo'] : [])],
          sort: ['stationId', 'sort', 'id'],
        });
        for (const d of deputies) {
          if (!d.get('qrToken')) continue;
          const photo: { url?: string } | null = hasPhoto ? [].concat(d.get('photo') ?? [])[0] : null;
          const level = d.get('level') ? labelOf('deputies', 'level', d.get('level')) : null;
          cards.push({
            kind: 'deputy',
            name: d.get('name'),
            identity: [
              [
                d.get('term')?.get('name'),
                level
                  ? t('{{level}} people’s congress deputy', { level, interpolation: { escapeValue: false } })
                  : null,
              ]
                .filter(Boolean)
                .join(' '),
              d.get('constituency') ? `${t('Constituency: ')}${d.get('constituency')}` : null,
              d.get('station') ? `${t('Liaison station: ')}${d.get('station').get('name')}` : null,
              [d.get('party'), d.get('occupation')].filter(Boolean).join(' · '),
            ].filter(Boolean),
            duties: [
              ...(d.get('duties') ?? []).map((v: string) => labelOf('deputies', 'duties', v)),
              t('Keep in touch with the voters and pass on their opinions and suggestions'),
            ],
            pledge,
            photoUrl: photo?.url ?? null,
            formUrl: formUrl(d.get('qrToken')),
          });
        }

        ctx.withoutDataWrapping = true;
        ctx.type = 'text/html';
        ctx.set(
          'Content-Security-Policy',
          "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'self'",
        );
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.body = await cardsPage(cards, {
          lang,
          t: {
            heading: t('Deputies’ “three shows” cards (码上找代表)'),
            identity: t('Who I am'),
            duties: t('What I do'),
            pledge: t('What I promise'),
            scan: t('Scan the code to send an opinion or suggestion, and follow its progress'),
            print: t('Print'),
            none: t('No cards to print'),
          },
        });
        await next();
      },
    },
  });
  app.acl.allow('qrCards', ['print'], 'loggedIn');
}
