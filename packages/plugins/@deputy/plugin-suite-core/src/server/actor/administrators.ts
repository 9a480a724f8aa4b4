/**
 * The roles the suite creates menus for on install (page installer defaults). Request-time decisions never
 * use role names: they ask the ACL (security/reach.ts).
 */
export const ADMIN_ROLES = ['root', 'admin', 'npc-admin'];
