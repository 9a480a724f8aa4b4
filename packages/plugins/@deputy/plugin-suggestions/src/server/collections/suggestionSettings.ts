import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

const months = (min: number) => ({ uiSchema: { 'x-component-props': { min, step: '1' } } });

/** 代表建议 settings, one row, edited by administrators: handling time limits, re-handling, duty items. */
export default defineCollection({
  name: 'suggestionSettings',
  title: tt('Suggestion settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.integerField('replyMonths', 'Lead unit replies within (months)', { defaultValue: 3, ...months(1) }),
    f.integerField('coHandlerMonths', 'Assisting units reply within (months)', { defaultValue: 1, ...months(1) }),
    f.integerField('extensionMonths', 'An extension adds (months)', { defaultValue: 1, ...months(1) }),
    f.integerField('reopenLimit', 'Times an unsatisfied deputy can have it handled again', {
      defaultValue: 1,
      ...months(0),
    }),
    f.integerField('reopenMonths', 'Handling again within (months)', { defaultValue: 1, ...months(1) }),
    f.integerField('keyPerYear', 'Key suggestions a year (at most)', { defaultValue: 8, ...months(1) }),
    f.stringField('keyItemCode', 'Duty item of a key suggestion (lead deputy)', { defaultValue: 'D17' }),
    f.stringField('leadItemCode', 'Duty item of a registered suggestion (lead deputy)', { defaultValue: 'D16' }),
    f.stringField('coSignerItemCode', 'Duty item of a co-signature (empty: not credited)', { defaultValue: '' }),
  ],
});
