import type { Model } from '@nocobase/database';
import { Migration } from '@nocobase/server';
import { pairingLabel } from '../services/lifecycle';

/**
 * Pairings got a label ("deputy · household head") so that forms can offer them: NocoBase's generated forms
 * leave out an association whose target is shown by its id, and the visit, outcome and plan forms had no
 * pairing field. This fills the label of the pairings made before. Running it again changes nothing.
 */
export default class extends Migration {
  on = 'afterSync';
  appVersion = '<3.0.0';

  async up() {
    const pairings: Model[] = await this.db
      .getRepository('aidPairings')
      .find({ filter: { label: { $empty: true } }, appends: ['deputy', 'household'] });
    for (const pairing of pairings) {
      const label = pairingLabel(
        pairing.get('deputy')?.get('name'),
        pairing.get('household')?.get('headName'),
        pairing.get('startDate'),
      );
      await pairing.update({ label }, { hooks: false });
    }
  }
}
