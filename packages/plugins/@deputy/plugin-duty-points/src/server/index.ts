export { Ledger } from './services/ledger';
export { DUTY_COLLECTIONS, PluginDutyPointsServer } from './plugin';
export { default } from './plugin';
