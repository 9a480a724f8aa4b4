export * from './field-builders';
export { DeputyDirectory } from './services/deputy-directory';
export { PluginDeputiesServer } from './plugin';
export { default } from './plugin';
