import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** A station's ledger entry for a section and a month (minutes, photos, notices). */
export default defineCollection({
  name: 'ledgerEntries',
  title: tt('Ledger entries'),
  dumpRules: 'required',
  createdBy: true,
  fields: [
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { uiSchema: { required: true } }),
    f.belongsToField('section', 'Section', 'ledgerSections', 'name', { uiSchema: { required: true } }),
    f.stringField('month', 'Month (YYYY-MM)', { allowNull: false, uiSchema: { required: true } }),
    f.textField('note', 'Note'),
    {
      type: 'belongsToMany',
      name: 'files',
      target: 'attachments',
      through: 'ledgerEntriesFiles',
      foreignKey: 'entryId',
      otherKey: 'attachmentId',
      interface: 'attachment',
      uiSchema: {
        title: tt('Files'),
        'x-component': 'Upload.Attachment',
        'x-use-component-props': 'useAttachmentFieldProps',
        'x-component-props': { multiple: true },
      },
    },
  ],
});
