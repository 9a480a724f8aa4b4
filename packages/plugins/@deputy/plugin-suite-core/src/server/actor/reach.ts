import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import { RequestPermissions } from '../security/permissions';

/**
 * Who the caller is in the suite's terms, said once for every plugin, without role names:
 * - an administrator of the jurisdiction is whoever NocoBase's ACL lets update every liaison station
 *   (no data scope) — root, or any role granted that in 角色和权限, a new one included;
 * - station staff are the users a station lists as its staff (data, edited on the station);
 * - a deputy is the user a deputy record is linked to.
 * Answers are kept for the request.
 */
export class CallerReach {
  private memo = new Map<string, Promise<unknown>>();

  private constructor(private ctx: Context) {}

  static of(ctx: Context): CallerReach {
    if (!ctx.state.deputyCallerReach) ctx.state.deputyCallerReach = new CallerReach(ctx);
    return ctx.state.deputyCallerReach;
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (!this.memo.has(key)) this.memo.set(key, fn());
    return this.memo.get(key) as Promise<T>;
  }

  administers(): Promise<boolean> {
    return this.once('administers', async () => {
      const grant = await RequestPermissions.of(this.ctx).grant('liaisonStations', 'update');
      return !!grant && !grant.filter;
    });
  }

  stationIds(): Promise<number[]> {
    return this.once('stations', async () => {
      const userId = this.ctx.state.currentUser?.id;
      if (!userId) return [];
      const rows = await this.ctx.db
        .getRepository('liaisonStations')
        .find({ filter: { 'staff.id': userId }, fields: ['id'] });
      return rows.map((s: Model) => s.get('id') as number);
    });
  }

  deputy(): Promise<Model | null> {
    return this.once('deputy', async () => {
      const userId = this.ctx.state.currentUser?.id;
      return userId ? this.ctx.db.getRepository('deputies').findOne({ filter: { userId } }) : null;
    });
  }
}

/** Whether the caller administers the whole jurisdiction (see CallerReach). */
export const isAdministrator = (ctx: Context) => CallerReach.of(ctx).administers();
/** The stations whose staff list holds the caller. */
export const myStationIds = (ctx: Context) => CallerReach.of(ctx).stationIds();
/** Whether the caller works at a station (is on a station's staff list). */
export const isStationStaff = async (ctx: Context) => (await CallerReach.of(ctx).stationIds()).length > 0;
/** The caller's own deputy record, or null. */
export const myDeputy = (ctx: Context) => CallerReach.of(ctx).deputy();
