export { Compliance } from './services/compliance';
export { ReceptionSchedule } from './services/reception';
export { monthOf, parsePeriod, quarterOf, yearOf } from './services/periods';
export { PluginSixOnesServer, SIX_COLLECTIONS } from './plugin';
export { default } from './plugin';
