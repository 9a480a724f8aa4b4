import { ActionRename, actionRenameMigration } from '@deputy/plugin-suite-core';

/**
 * NocoBase's action names are global, with one display name each: the opinions' and mediation cases' `close`
 * and `credit` were the pairings' too (opinions showed "Close the pairing" in 角色和权限). They are now
 * closeOpinion, retryOpinionCredit, closeMediation and retryMediationCredit; the grants administrators gave
 * under the old names (fields and data scopes) move to the new ones. Running it again changes nothing.
 */
export const RENAMED_ACTIONS: ActionRename[] = [
  { resource: 'opinions', from: 'close', to: 'closeOpinion' },
  { resource: 'opinions', from: 'credit', to: 'retryOpinionCredit' },
  { resource: 'mediationCases', from: 'close', to: 'closeMediation' },
  { resource: 'mediationCases', from: 'credit', to: 'retryMediationCredit' },
];

export default actionRenameMigration(RENAMED_ACTIONS);
