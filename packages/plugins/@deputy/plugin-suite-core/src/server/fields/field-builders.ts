/**
 * Field builders for the suite's code-defined collections. Each returns a field with an `interface` and
 * `uiSchema`, so the collection manager, block settings and role permission tables can show and edit it.
 * Titles are `{{t(...)}}` templates compiled in the browser with the plugin's locale namespace.
 */
export const NS = '@deputy/plugin-suite-core';

export const tt = (text: string, ns = NS) => `{{t(${JSON.stringify(text)}, { ns: ${JSON.stringify(ns)} })}}`;

type Option = { value: string | number; label: string; color?: string };

/**
 * Options of a field, plus builder-only ones: `ns` (locale namespace of the titles, default this plugin's),
 * `rawLabels` (option labels shown as they are), `uiSchema` (merged into the generated one).
 */
export type FieldExtra = {
  ns?: string;
  rawLabels?: boolean;
  uiSchema?: Record<string, unknown>;
  [key: string]: unknown;
};

/** How one kind of field is stored and edited. */
type Kind = {
  type: string;
  interface: string;
  uiType?: string;
  component: string;
  componentProps?: Record<string, unknown>;
  defaults?: Record<string, unknown>;
};

function build(
  kind: Kind,
  name: string,
  title: string,
  extra: FieldExtra,
  more: Record<string, unknown> = {},
  ui: Record<string, unknown> = {},
) {
  const { ns, rawLabels, uiSchema = {}, ...options } = extra;
  return {
    type: kind.type,
    name,
    interface: kind.interface,
    ...kind.defaults,
    ...more,
    ...options,
    uiSchema: {
      ...(kind.uiType ? { type: kind.uiType } : {}),
      title: tt(title, ns),
      'x-component': kind.component,
      ...(kind.componentProps ? { 'x-component-props': kind.componentProps } : {}),
      ...ui,
      ...uiSchema,
    },
  };
}

const optionsOf = (choices: Option[], extra: FieldExtra) =>
  choices.map((o) => ({ ...o, label: extra.rawLabels ? o.label : tt(o.label, extra.ns) }));

const simple =
  (kind: Kind) =>
  (name: string, title: string, extra: FieldExtra = {}) =>
    build(kind, name, title, extra);

export const stringField = simple({ type: 'string', interface: 'input', uiType: 'string', component: 'Input' });
export const phoneField = simple({
  type: 'string',
  interface: 'phone',
  uiType: 'string',
  component: 'Input',
  componentProps: { type: 'tel' },
});
export const textField = simple({ type: 'text', interface: 'textarea', uiType: 'string', component: 'Input.TextArea' });
export const dateField = simple({
  type: 'dateOnly',
  interface: 'date',
  uiType: 'string',
  component: 'DatePicker',
  componentProps: { dateOnly: true },
});
export const integerField = (name: string, title: string, extra: FieldExtra = {}) =>
  build(
    {
      type: 'integer',
      interface: 'integer',
      uiType: 'number',
      component: 'InputNumber',
      componentProps: { stringMode: true, step: '1' },
    },
    name,
    title,
    extra,
    {},
    { 'x-validator': 'integer' },
  );
export const checkboxField = simple({
  type: 'boolean',
  interface: 'checkbox',
  uiType: 'boolean',
  component: 'Checkbox',
  defaults: { defaultValue: false },
});

export const selectField = (name: string, title: string, choices: Option[], extra: FieldExtra = {}) =>
  build(
    { type: 'string', interface: 'select', uiType: 'string', component: 'Select' },
    name,
    title,
    extra,
    {},
    { enum: optionsOf(choices, extra) },
  );

export const multipleSelectField = (name: string, title: string, choices: Option[], extra: FieldExtra = {}) =>
  build(
    {
      type: 'array',
      interface: 'multipleSelect',
      uiType: 'array',
      component: 'Select',
      componentProps: { mode: 'multiple' },
      defaults: { defaultValue: [] },
    },
    name,
    title,
    extra,
    {},
    { enum: optionsOf(choices, extra) },
  );

const association = (iface: string, multiple: boolean, labelField: string) => ({
  type: '',
  interface: iface,
  component: 'AssociationField',
  componentProps: { multiple, fieldNames: { label: labelField, value: 'id' } },
});

export const belongsToField = (
  name: string,
  title: string,
  target: string,
  labelField: string,
  extra: FieldExtra = {},
) =>
  build({ ...association('m2o', false, labelField), type: 'belongsTo' }, name, title, extra, {
    target,
    foreignKey: `${name}Id`,
    targetKey: 'id',
    onDelete: 'RESTRICT',
  });

export const hasManyField = (
  name: string,
  title: string,
  target: string,
  foreignKey: string,
  labelField: string,
  extra: FieldExtra = {},
) =>
  build({ ...association('o2m', true, labelField), type: 'hasMany' }, name, title, extra, {
    target,
    foreignKey,
    sourceKey: 'id',
    targetKey: 'id',
  });

export const belongsToManyField = (
  name: string,
  title: string,
  target: string,
  through: string,
  foreignKey: string,
  otherKey: string,
  labelField: string,
  extra: FieldExtra = {},
) =>
  build({ ...association('m2m', true, labelField), type: 'belongsToMany' }, name, title, extra, {
    target,
    through,
    foreignKey,
    otherKey,
    sourceKey: 'id',
    targetKey: 'id',
  });

/** Files (photos, proof, an agreement) kept in the file manager, linked through the field's own join table. */
export const attachmentsField = (
  name: string,
  title: string,
  through: string,
  foreignKey: string,
  extra: FieldExtra = {},
) => ({
  type: 'belongsToMany',
  name,
  target: 'attachments',
  through,
  foreignKey,
  otherKey: 'attachmentId',
  interface: 'attachment',
  uiSchema: {
    title: tt(title, extra.ns),
    'x-component': 'Upload.Attachment',
    'x-use-component-props': 'useAttachmentFieldProps',
    'x-component-props': { accept: 'image/*,application/pdf', multiple: true },
  },
});

/** The same builders with titles translated in another plugin's namespace. */
export function buildersFor(ns: string) {
  const withNs =
    <A extends unknown[], R>(fn: (...args: A) => R, extraAt: number) =>
    (...args: A) => {
      const copy: unknown[] = [...args];
      copy[extraAt] = { ns, ...((copy[extraAt] as FieldExtra | undefined) ?? {}) };
      return fn(...(copy as A));
    };
  return {
    NS: ns,
    tt: (text: string) => tt(text, ns),
    stringField: withNs(stringField, 2),
    phoneField: withNs(phoneField, 2),
    textField: withNs(textField, 2),
    dateField: withNs(dateField, 2),
    integerField: withNs(integerField, 2),
    checkboxField: withNs(checkboxField, 2),
    selectField: withNs(selectField, 3),
    multipleSelectField: withNs(multipleSelectField, 3),
    belongsToField: withNs(belongsToField, 4),
    hasManyField: withNs(hasManyField, 5),
    belongsToManyField: withNs(belongsToManyField, 7),
    attachmentsField: withNs(attachmentsField, 4),
  };
}
