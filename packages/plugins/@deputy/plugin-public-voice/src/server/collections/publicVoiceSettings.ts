import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

const whole = (min: number) => ({ allowNull: false, uiSchema: { 'x-component-props': { min, step: '1' } } });

/** Settings of the public form and the opinion loop, one row, edited by administrators. */
export default defineCollection({
  name: 'publicVoiceSettings',
  title: tt('Public voice settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.integerField('submissionsPerIp', 'Submissions per address within the window', { defaultValue: 5, ...whole(1) }),
    f.integerField('submissionsPerCode', 'Submissions per QR code within the window', {
      defaultValue: 30,
      ...whole(1),
    }),
    f.integerField('lookupsPerIp', 'Progress look-ups per address within the window', {
      defaultValue: 60,
      ...whole(1),
    }),
    f.integerField('windowMinutes', 'Window (minutes)', { defaultValue: 10, ...whole(1) }),
    f.integerField('maxPhotos', 'Photos per submission at most', { defaultValue: 3, ...whole(0) }),
    f.integerField('maxPhotoKb', 'Size of a photo at most (KB)', { defaultValue: 2048, ...whole(1) }),
    f.integerField('classifyWithinDays', 'Classify a new opinion within (days)', { defaultValue: 1, ...whole(0) }),
    // dutyItems.code of plugin-duty-points credited when an opinion is accepted into handling.
    f.stringField('creditItemCode', 'Duty item credited for an opinion accepted into handling', {
      defaultValue: 'D14',
    }),
    f.stringField('mediationItemCode', 'Duty item credited for a mediation closed with an agreement', {
      defaultValue: 'D22',
    }),
    // Empty: the cards print the default pledge in the reader's language.
    f.textField('cardPledge', 'Pledge printed on the QR cards (亮承诺)'),
    // Behind a reverse proxy the address of a request is not the public one.
    f.stringField('publicUrl', 'Public address of this system for the QR codes (https://…)'),
  ],
});
