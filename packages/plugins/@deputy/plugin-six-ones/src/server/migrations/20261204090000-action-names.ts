import { ActionRename, actionRenameMigration } from '@deputy/plugin-suite-core';

/**
 * NocoBase's action names are global, with one display name each: `generate` and `recompute` said nothing of
 * whose they were in 角色和权限. They are now generateSessions (reception sessions) and recomputeCompliance
 * (六个一 results); the grants administrators gave under the old names (fields and data scopes) move to the
 * new ones. Running it again changes nothing.
 */
export const RENAMED_ACTIONS: ActionRename[] = [
  { resource: 'receptionSessions', from: 'generate', to: 'generateSessions' },
  { resource: 'ruleResults', from: 'recompute', to: 'recomputeCompliance' },
];

export default actionRenameMigration(RENAMED_ACTIONS);
