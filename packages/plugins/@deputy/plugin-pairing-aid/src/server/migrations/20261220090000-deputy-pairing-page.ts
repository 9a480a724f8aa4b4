import { withdrawPagesMigration } from '@deputy/plugin-suite-core';

/**
 * Deputies have a page of their own, 我的结对帮扶 (lists that fit a phone: their households, visits, outcomes,
 * plans); the 1+N结对帮扶 tables are the station staff's. An instance installed before gave deputies both; the
 * tables leave the deputy role's menu (administrators may give them back in 角色和权限 › 菜单).
 */
export default withdrawPagesMigration({ 'pairing-aid.aid': ['deputy'] });
