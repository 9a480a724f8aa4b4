import { Migration } from '@nocobase/server';
import { ensureScopes, roleGrantsOn } from '@deputy/plugin-suite-core';
import { SCOPES } from '../services/role-grants';

/**
 * Deputies read the reception sessions of their own station and those they are rostered on, not every
 * station's (they saw all of them, their own lost among the others). An instance installed before gets the
 * scope on the deputy role's receptionSessions view, where that view is still as installed (no scope); one an
 * administrator gave a scope, or removed, stays as it is. Running it again changes nothing.
 */
export default class extends Migration {
  on = 'afterLoad';
  appVersion = '<3.0.0';

  async up() {
    const grants = await roleGrantsOn(this.db, 'deputy', 'receptionSessions');
    if (!grants) return;
    const { actions, resourceId } = grants;
    const view = await actions.findOne({ filter: { rolesResourceId: resourceId, name: 'view' } });
    if (!view || view.get('scopeId') != null) return;
    const ids = await ensureScopes(
      this.db,
      SCOPES.filter((s) => s.key === 'six-my-sessions'),
    );
    // Through the repository, so NocoBase writes the narrowed grant to the ACL at once.
    await actions.update({ filterByTk: view.get('id'), values: { scopeId: ids['six-my-sessions'] } });
  }
}
