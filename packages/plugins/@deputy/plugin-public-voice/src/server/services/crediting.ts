import { shanghaiToday } from '@deputy/plugin-deputies';
import type { Application } from '@nocobase/server';
import { ACCEPTED_STATUSES } from './opinion-flow';
import { readSettings } from './settings';

/**
 * An opinion accepted into handling (assigned, or answered) credits its deputy's duty record with item D14
 * (收集反映群众意见, the code is in the settings) through plugin-duty-points' filing service — the normal
 * review, once per opinion (source `opinion:<id>`). Runs after the step is committed, one at a time in this
 * process; the outcome is kept on the opinion (filed with the record's number, or failed with the reason,
 * e.g. no reviewer at the station). Without plugin-duty-points nothing is filed and handling is unaffected.
 */
export class OpinionCrediting {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private app: Application) {}

  dutyPoints(): any {
    try {
      const dp: any = this.app.pm.get('@deputy/plugin-duty-points');
      return dp?.enabled && dp.filing ? dp : null;
    } catch {
      return null;
    }
  }

  credit(opinionId: number, options: { retry?: boolean } = {}) {
    const run = this.queue.then(() => this.file(opinionId, options.retry));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async file(opinionId: number, retry = false) {
    const dp = this.dutyPoints();
    if (!dp) return null;
    const db = this.app.db;
    const opinion: any = await db.getRepository('opinions').findOne({ filterByTk: opinionId });
    if (!opinion || !opinion.get('deputyId') || !ACCEPTED_STATUSES.includes(opinion.get('status'))) return null;
    if (opinion.get('creditStatus') === 'filed' || (opinion.get('creditStatus') === 'failed' && !retry)) return opinion;
    const settings = await readSettings(db);
    const model = db.getModel('opinions');
    try {
      const record = await dp.filing.file({
        deputyId: opinion.get('deputyId'),
        itemCode: settings.creditItemCode,
        date: shanghaiToday(),
        quantity: 1,
        description: `群众意见建议 ${opinion.get('trackingCode')}：${String(opinion.get('content') ?? '').slice(0, 100)}`,
        source: `opinion:${opinionId}`,
      });
      await model.update({ creditStatus: 'filed', dutyRecordId: record.get('id'), creditError: null }, { where: { id: opinionId }, hooks: false });
    } catch (e: any) {
      await model.update({ creditStatus: 'failed', creditError: String(e?.message ?? e).slice(0, 2000) }, { where: { id: opinionId }, hooks: false });
    }
    return db.getRepository('opinions').findOne({ filterByTk: opinionId });
  }
}
