import { isAdministrator } from '@deputy/plugin-deputies';

export const isStaff = (ctx: any) => (ctx.state.currentRoles ?? []).includes('station-staff');
export const idOf = (v: any) => (v && typeof v === 'object' ? v.id : v);

/** The ids of the stations the signed-in user works at. */
export async function myStationIds(ctx: any): Promise<number[]> {
  if (!ctx.state.currentUser) return [];
  const rows = await ctx.db.getRepository('liaisonStations').find({ filter: { 'staff.id': ctx.state.currentUser.id }, fields: ['id'] });
  return rows.map((s: any) => s.get('id'));
}

/** The signed-in user's own deputy record, or null. */
export async function myDeputy(ctx: any) {
  if (!ctx.state.currentUser) return null;
  return ctx.db.getRepository('deputies').findOne({ filter: { userId: ctx.state.currentUser.id } });
}

export { isAdministrator };
