import { ActionRename, renameGrantedActions } from '@deputy/plugin-suite-core';
import { Migration } from '@nocobase/server';

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

export default class extends Migration {
  on = 'afterLoad';
  appVersion = '<3.0.0';

  async up() {
    await renameGrantedActions(this.db, RENAMED_ACTIONS);
  }
}
