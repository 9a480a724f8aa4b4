export { declareReadActions } from './services/deputy-write-guard';
export { DeputyDirectory } from './services/deputy-directory';
export type { DemoAccount, DemoDeputy, DemoPart, DemoStation, DemoTown } from './demo/demo-town';
export { mix, png, uploadDemoPicture } from './demo/demo-files';
export { seeded } from './demo/demo-town';
export type { RGB } from './demo/demo-files';
export { DEPUTY_COLLECTIONS, deputyPageDefaults, PluginDeputiesServer } from './plugin';
export { default } from './plugin';
