export * from './field-builders';
export { protectFromDeletion, registerInCollectionManager } from './services/collection-registration';
export { DeputyDirectory } from './services/deputy-directory';
export { DEPUTY_COLLECTIONS, PluginDeputiesServer } from './plugin';
export { default } from './plugin';
