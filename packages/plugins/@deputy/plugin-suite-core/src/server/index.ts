// What the suite's domain plugins use of the core, through typed imports (ARCHITECTURE.md).
export * from './fields/field-builders';
export { onAction, rawValues } from './security/action-hooks';
export { refuseStatusChangesThroughUpdate } from './security/status-changes';
export type { StatusChange, StatusChangeRule } from './security/status-changes';
export { scheduledJob, scheduleJob } from './jobs/daily-jobs';
export { afterLock, lockRow } from './concurrency/row-locks';
export { ConcurrencyGate, connectionBudget, connectionPoolMax, GateBusyError } from './concurrency/connection-gate';
export { answerRefusal, Refusal, translatorFor } from './errors/refusals';
export type { Translate } from './errors/refusals';
export { enabledPlugin, SerialQueue } from './plugins/suite-plugins';
export { refuseDuplicateValues } from './fields/unique-columns';
export { isSuiteCollection, RequestPermissions } from './security/permissions';
export { defineSuiteResource } from './security/read-guard';
export { defineNamedActions, NAMED_ACTIONS_RESOURCE, namedActionsOf } from './security/named-actions';
export { ADMIN_ROLES } from './actor/administrators';
export { CallerReach, isAdministrator, isStationStaff, myDeputy, myStationIds } from './actor/reach';
export { protectFromDeletion, registerInCollectionManager } from './fields/collection-registration';
export { auditChanges } from './audit/audit-trail';
export type { AuditOptions } from './audit/audit-trail';
export type { HookOptions } from './audit/hook-options';
export { Notifier, REMINDER_CHANNEL } from './notifications/notifier';
export { trustProxy } from './infrastructure/trust-proxy';
export { daysOfMonth, FieldError, phoneNumber, validateFields } from './fields/field-validation';
export type { FieldRule } from './fields/field-validation';
export { addDays, shanghaiToday, statutoryDays, WorkCalendar } from './calendar/work-calendar';
export { keepComputed, keepSingleRow, refuseDirectCreates } from './security/system-data-guard';
export { refuseCreatesForOtherStations, refuseOutOfScopeWrites } from './security/scope-guard';
export {
  actionRenameMigration,
  ensureScopes,
  grantPluginPermissions,
  grantResources,
  installRoles,
  renameGrantedActions,
  roleGrantsOn,
  withdrawFields,
} from './roles/role-grants';
export type { Action, ActionRename, ResourceSpec, RoleSpec, ScopeSpec } from './roles/role-grants';
export { capturePages, installPages, localizeBlueprint, localizeDefaults, pageHash } from './pages/page-installer';
export type { InstallPagesOptions, InstallPagesResult, PluginPages, SuitePageSpec } from './pages/page-installer';
export type { PageSnapshot, PluginPageSnapshots, TemplateSnapshot } from './pages/page-snapshots';
export { capturePageSnapshot } from './pages/page-snapshots';
export { withdrawPageFromRoles, withdrawPagesMigration } from './pages/page-routes';
export { carryPageHistory, pageDigest, templatesOf, upgradeInstalledPage } from './pages/page-upgrade';
export { CORE_COLLECTIONS, PluginSuiteCoreServer, suiteCore } from './plugin';
export type { SuiteCoreServices } from './plugin';
export { default } from './plugin';
