/** Roles that administer the whole jurisdiction: NocoBase's own root and admin, and the suite's 人大管理员. */
export const ADMIN_ROLES = ['root', 'admin', 'npc-admin'];

/** Whether the request is made under one of the administrator roles. */
export function isAdministrator(ctx: any) {
  return (ctx.state?.currentRoles ?? []).some((r: string) => ADMIN_ROLES.includes(r));
}
