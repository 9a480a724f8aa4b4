export { recordAttendance } from './services/activity-sign-in';
export { DutyFiling } from './services/filing';
export type { FilingValues } from './services/filing';
export { Ledger } from './services/ledger';
export { periodRange, Scores } from './services/scores';
export { DUTY_COLLECTIONS, PluginDutyPointsServer, statisticsCharts } from './plugin';
export { default } from './plugin';
