import { afterLock, enabledPlugin, lockRow, shanghaiToday, suiteCore } from '@deputy/plugin-suite-core';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import type { Application } from '@nocobase/server';
import type { Filter, Model, Transaction } from '@nocobase/database';
import { Op } from '@nocobase/database';
import { addDays, monthOf } from './periods';

type Settings = { noticeDaysBefore: number; rosterSize: number; receptionItemCode: string; noShowItemCode: string };

const pad = (n: number) => String(n).padStart(2, '0');
const asDate = (v: unknown) => String(v ?? '').slice(0, 10);

/**
 * 逢6接待: each month, every station gets a session on each of its reception days (a day that falls on a
 * holiday or weekend moves to the next working day of the work calendar), an approved station activity to
 * sign in to, a roster taken in turn from its deputies, and a public notice date. After the day, a session
 * with nobody signed in is "not held", and each rostered deputy who did not sign in — unless on approved
 * leave — gets the no-show deduction, filed once through the duty-points filing service.
 */
export class ReceptionSchedule {
  constructor(private app: Application) {}

  private get db() {
    return this.app.db;
  }

  async settings(transaction?: Transaction): Promise<Settings> {
    const s: Model | null = await this.db.getRepository('sixOnesSettings').findOne({ transaction });
    return {
      noticeDaysBefore: Number(s?.get('noticeDaysBefore') ?? 3),
      rosterSize: Math.max(1, Number(s?.get('rosterSize') ?? 2)),
      receptionItemCode: s?.get('receptionItemCode') || 'D10',
      noShowItemCode: s?.get('noShowItemCode') || 'D25',
    };
  }

  /** plugin-duty-points' filing service when that plugin is enabled: sessions work without it. */
  private get filing() {
    return enabledPlugin<PluginDutyPointsServer>(this.app, '@deputy/plugin-duty-points')?.filing;
  }

  /** Creates the month's sessions of the stations (all, or the given ones) that do not have them yet. */
  async generateMonth(month: string, stationIds?: number[]) {
    const calendar = suiteCore(this.app).calendar;
    const settings = await this.settings();
    const { from, to } = monthOf(`${month}-01`);
    const stations: Model[] = await this.db
      .getRepository('liaisonStations')
      .find({ filter: stationIds ? { id: { $in: stationIds } } : {}, sort: ['id'] });
    let created = 0;
    for (const station of stations) {
      const days: number[] = [...new Set<number>((station.get('receptionDays') ?? []).map(Number))].sort(
        (a, b) => a - b,
      );
      const deputies: Model[] = await this.db
        .getRepository('deputies')
        .find({ filter: { stationId: station.get('id'), status: 'active' }, fields: ['id'], sort: ['id'] });
      const monthIndex = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
      for (const [i, day] of days.entries()) {
        const scheduledOn = `${month}-${pad(day)}`;
        if (scheduledOn > to || scheduledOn < from) continue;
        const exists = await this.db
          .getRepository('receptionSessions')
          .count({ filter: { stationId: station.get('id'), scheduledOn } });
        if (exists) continue;
        const date = await calendar.nextWorkingDay(scheduledOn);
        // Deputies take turns across sessions and months.
        const start = (monthIndex * days.length + i) * settings.rosterSize;
        const roster = deputies.length
          ? Array.from({ length: Math.min(settings.rosterSize, deputies.length) }, (_, k) =>
              deputies[(start + k) % deputies.length].get('id'),
            )
          : [];
        await this.db.sequelize.transaction(async (transaction) => {
          const activity = this.filing
            ? await this.filing.scheduleActivity(
                { title: `逢6接待 ${date}`, itemCode: settings.receptionItemCode, stationId: station.get('id'), date },
                { transaction },
              )
            : null;
          await this.db.getRepository('receptionSessions').create({
            values: {
              stationId: station.get('id'),
              scheduledOn,
              date,
              noticeOn: addDays(date, -settings.noticeDaysBefore),
              activityId: activity?.get('id') ?? null,
              roster,
            },
            transaction,
          });
        });
        created += 1;
      }
    }
    return created;
  }

  /** Whether the deputy is on the roster of a session whose sign-in activity this is. */
  async isRostered(activityId: number, deputyId: number, transaction?: Transaction) {
    if (activityId === null || activityId === undefined || deputyId === null || deputyId === undefined) return false;
    const rostered = await this.db
      .getRepository('receptionSessions')
      .count({ filter: { activityId, 'roster.id': deputyId }, transaction });
    return rostered > 0;
  }

  /**
   * A session moved to another day takes its sign-in activity along (same transaction): deputies sign in on the
   * day they come, and settlement counts that day's sign-ins, not the old day's.
   */
  followDateChanges() {
    this.db.on('receptionSessions.afterUpdate', async (session: Model, options: { transaction?: Transaction }) => {
      if (!session.changed('date') || !session.get('activityId') || !this.filing) return;
      const date = asDate(session.get('date'));
      await this.filing.rescheduleActivity(
        session.get('activityId'),
        { date, title: `逢6接待 ${date}` },
        { transaction: options.transaction },
      );
    });
  }

  /** Settles the sessions whose day has passed: held or not, and the deductions of rostered no-shows. */
  async closeDue(today = shanghaiToday(), stationIds?: number[]) {
    const settings = await this.settings();
    const filter: Filter = {
      status: 'planned',
      date: { $lt: today },
      ...(stationIds ? { stationId: { $in: stationIds } } : {}),
    };
    const due: Model[] = await this.db.getRepository('receptionSessions').find({ filter, appends: ['roster'] });
    let deductions = 0;
    let settled = 0;
    for (const session of due) {
      const attended = session.get('activityId')
        ? new Set(
            (
              (await this.db
                .getRepository('activityAttendances')
                .find({ filter: { activityId: session.get('activityId') }, fields: ['deputyId'] })) as Model[]
            ).map((a) => a.get('deputyId')),
          )
        : new Set();
      const date = asDate(session.get('date'));
      const onLeave = new Set(
        (
          (await this.db.getModel('deputyLeaves').findAll({
            attributes: ['deputyId'],
            where: { status: 'approved', from: { [Op.lte]: date }, to: { [Op.gte]: date } },
            raw: true,
          })) as unknown as { deputyId: number }[]
        ).map((l) => l.deputyId),
      );
      await this.db.sequelize.transaction(async (transaction) => {
        // Two runs at once (the nightly job and a manual close, or two app instances) settle a session once:
        // the second waits for the lock and finds it settled.
        await lockRow(this.db, 'receptionSessions', session.get('id'), transaction);
        const current = await this.db
          .getModel('receptionSessions')
          .findOne({ where: { id: session.get('id') }, attributes: ['status'], ...afterLock(this.db, transaction) });
        if (current?.get('status') !== 'planned') return;
        settled += 1;
        for (const deputy of (session.get('roster') ?? []) as Model[]) {
          if (attended.has(deputy.get('id')) || onLeave.has(deputy.get('id')) || !this.filing) continue;
          await this.filing.file(
            {
              deputyId: deputy.get('id'),
              itemCode: settings.noShowItemCode,
              date,
              description: `逢6接待未到岗（${date}）`,
              source: `reception-no-show:${session.get('id')}:${deputy.get('id')}`,
            },
            { approve: true, transaction },
          );
          deductions += 1;
        }
        await this.db.getRepository('receptionSessions').update({
          filterByTk: session.get('id'),
          values: { status: attended.size ? 'held' : 'missed' },
          transaction,
        });
      });
    }
    return { closed: settled, deductions };
  }

  /** The public schedule of a station: announced sessions still to come, with the names of the deputies on duty. */
  async upcoming(stationId: number, today = shanghaiToday()) {
    const station: Model | null = await this.db
      .getRepository('liaisonStations')
      .findOne({ filterByTk: stationId, fields: ['id', 'name', 'address'] });
    if (!station) return null;
    const sessions: Model[] = await this.db.getRepository('receptionSessions').find({
      filter: { stationId, date: { $gte: today }, noticeOn: { $lte: today } },
      appends: ['roster'],
      sort: ['date'],
    });
    return {
      station: { name: station.get('name'), address: station.get('address') ?? null },
      sessions: sessions.map((s) => ({
        date: asDate(s.get('date')),
        deputies: ((s.get('roster') ?? []) as Model[]).map((d) => d.get('name')),
      })),
    };
  }
}
