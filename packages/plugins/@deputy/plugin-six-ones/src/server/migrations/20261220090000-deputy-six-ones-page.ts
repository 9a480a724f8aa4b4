import { withdrawPagesMigration } from '@deputy/plugin-suite-core';

/**
 * Deputies have a page of their own, 我的六个一 (their compliance per rule, their station's reception days, their
 * leave, as lists that fit a phone); 六个一达标 and 逢6接待 with their tables are the station staff's. An instance
 * installed before gave deputies those; they leave the deputy role's menu (administrators may give them back).
 */
export default withdrawPagesMigration({ 'six-ones.compliance': ['deputy'], 'six-ones.reception': ['deputy'] });
