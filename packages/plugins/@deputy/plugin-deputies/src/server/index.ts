export * from './field-builders';
export { ADMIN_ROLES, isAdministrator } from './services/administrators';
export { protectFromDeletion, registerInCollectionManager } from './services/collection-registration';
export { DeputyDirectory } from './services/deputy-directory';
export { refuseOutOfScopeWrites } from './services/scope-guard';
export { ensureScopes, grantResources } from './services/role-defaults';
export type { ResourceSpec, ScopeSpec } from './services/role-defaults';
export { DEPUTY_COLLECTIONS, PluginDeputiesServer } from './plugin';
export { default } from './plugin';
