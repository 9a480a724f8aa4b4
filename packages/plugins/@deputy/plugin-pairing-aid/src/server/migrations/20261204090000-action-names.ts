import { ActionRename, actionRenameMigration } from '@deputy/plugin-suite-core';

/**
 * NocoBase's action names are global, with one display name each: the pairings' `close` and the visits' and
 * outcomes' `credit` were also the opinions' and mediation cases' (角色和权限 showed one plugin's label for
 * all). They are now closePairing, retryVisitCredit and retryOutcomeCredit; the grants administrators gave
 * under the old names (fields and data scopes) move to the new ones. Running it again changes nothing.
 */
export const RENAMED_ACTIONS: ActionRename[] = [
  { resource: 'aidPairings', from: 'close', to: 'closePairing' },
  { resource: 'aidVisits', from: 'credit', to: 'retryVisitCredit' },
  { resource: 'aidRecords', from: 'credit', to: 'retryOutcomeCredit' },
];

export default actionRenameMigration(RENAMED_ACTIONS);
