import { defineCollection } from '@nocobase/database';
import { attachmentsField, creditFields, datetimeField, f, readOnly, tt } from '../fields';

export const MEDIATION_STATUSES = [
  { value: 'open', label: 'Open', color: 'processing' },
  { value: 'agreed', label: 'Agreement reached', color: 'green' },
  { value: 'failed', label: 'Not settled', color: 'red' },
];
/** "一三六九": respond within 1 day, intervene within 3, mediate within 6, a solution for complex cases within 9. */
export const MEDIATION_STAGES = [
  { value: 'respond', label: 'Respond', days: 1 },
  { value: 'intervene', label: 'Intervene', days: 3 },
  { value: 'mediate', label: 'Mediate', days: 6 },
  { value: 'solution', label: 'Solution', days: 9 },
] as const;
export type Stage = (typeof MEDIATION_STAGES)[number]['value'];

/**
 * 矛盾纠纷调解 (玉霞 "一三六九"): a dispute handled by a team of a deputy, a judicial officer (司法员) and a
 * grid worker (网格员) — users of the system or named — with four milestones, each with its due date (calendar
 * days from the opening) and the time it was reached, overdue alerts, and the agreement as evidence.
 */
export default defineCollection({
  name: 'mediationCases',
  title: tt('Mediation cases'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('title', 'Dispute', { allowNull: false, uiSchema: { required: true } }),
    f.textField('description', 'Description'),
    f.textField('parties', 'Parties'),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { uiSchema: { required: true } }),
    f.belongsToField('opinion', 'From opinion', 'opinions', 'trackingCode', { onDelete: 'SET NULL' }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { onDelete: 'SET NULL' }),
    f.belongsToField('judicialOfficer', 'Judicial officer', 'users', 'nickname', { onDelete: 'SET NULL' }),
    f.stringField('judicialOfficerName', 'Judicial officer (name)'),
    f.belongsToField('gridWorker', 'Grid worker', 'users', 'nickname', { onDelete: 'SET NULL' }),
    f.stringField('gridWorkerName', 'Grid worker (name)'),
    f.checkboxField('complex', 'Complex case (needs a solution within 9 days)'),
    datetimeField('openedAt', 'Opened at', readOnly),
    f.dateField('respondDueOn', 'Respond by', readOnly),
    datetimeField('respondedAt', 'Responded at', readOnly),
    f.dateField('interveneDueOn', 'Intervene by', readOnly),
    datetimeField('intervenedAt', 'Intervened at', readOnly),
    f.dateField('mediateDueOn', 'Mediate by', readOnly),
    datetimeField('mediatedAt', 'Mediated at', readOnly),
    f.dateField('solutionDueOn', 'Solution by', readOnly),
    datetimeField('solutionAt', 'Solution at', readOnly),
    f.selectField('status', 'Status', MEDIATION_STATUSES, { defaultValue: 'open', allowNull: false, ...readOnly }),
    f.multipleSelectField(
      'overdueStages',
      'Overdue milestones',
      MEDIATION_STAGES.map(({ value, label }) => ({ value, label })),
      readOnly,
    ),
    f.checkboxField('overdue', 'Overdue', readOnly),
    f.textField('outcome', 'Outcome'),
    attachmentsField('agreement', 'Mediation agreement', 'mediationCasesAgreement', 'caseId'),
    datetimeField('closedAt', 'Closed at', readOnly),
    ...creditFields(),
  ],
});
