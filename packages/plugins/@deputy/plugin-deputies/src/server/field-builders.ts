/**
 * Field builders for the suite's code-defined collections. Each returns a field with an `interface` and
 * `uiSchema`, so the collection manager, block settings and role permission tables can show and edit it.
 * Titles are `{{t(...)}}` templates compiled in the browser with this plugin's locale namespace.
 */
export const NS = '@deputy/plugin-deputies';

export const tt = (text: string, ns = NS) => `{{t(${JSON.stringify(text)}, { ns: ${JSON.stringify(ns)} })}}`;

type Option = { value: string | number; label: string; color?: string };

/** Builder-only options: `ns` (locale namespace of the titles), `rawLabels` (option labels not translated). */
export type FieldExtra = { ns?: string; rawLabels?: boolean; uiSchema?: Record<string, any>; [key: string]: any };

function split(extra: FieldExtra) {
  const { ns, rawLabels, uiSchema = {}, ...options } = extra;
  const t = (text: string) => tt(text, ns);
  const label = (text: string) => (rawLabels ? text : t(text));
  return { t, label, uiSchema, options };
}

export function stringField(name: string, title: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'string',
    name,
    interface: 'input',
    ...options,
    uiSchema: { type: 'string', title: t(title), 'x-component': 'Input', ...uiSchema },
  };
}

export function phoneField(name: string, title: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'string',
    name,
    interface: 'phone',
    ...options,
    uiSchema: {
      type: 'string',
      title: t(title),
      'x-component': 'Input',
      'x-component-props': { type: 'tel' },
      ...uiSchema,
    },
  };
}

export function textField(name: string, title: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'text',
    name,
    interface: 'textarea',
    ...options,
    uiSchema: { type: 'string', title: t(title), 'x-component': 'Input.TextArea', ...uiSchema },
  };
}

export function dateField(name: string, title: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'dateOnly',
    name,
    interface: 'date',
    ...options,
    uiSchema: {
      type: 'string',
      title: t(title),
      'x-component': 'DatePicker',
      'x-component-props': { dateOnly: true },
      ...uiSchema,
    },
  };
}

export function integerField(name: string, title: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'integer',
    name,
    interface: 'integer',
    ...options,
    uiSchema: {
      type: 'number',
      title: t(title),
      'x-component': 'InputNumber',
      'x-component-props': { stringMode: true, step: '1' },
      'x-validator': 'integer',
      ...uiSchema,
    },
  };
}

export function selectField(name: string, title: string, choices: Option[], extra: FieldExtra = {}) {
  const { t, label, uiSchema, options } = split(extra);
  return {
    type: 'string',
    name,
    interface: 'select',
    ...options,
    uiSchema: {
      type: 'string',
      title: t(title),
      'x-component': 'Select',
      enum: choices.map((o) => ({ ...o, label: label(o.label) })),
      ...uiSchema,
    },
  };
}

export function multipleSelectField(name: string, title: string, choices: Option[], extra: FieldExtra = {}) {
  const { t, label, uiSchema, options } = split(extra);
  return {
    type: 'array',
    name,
    interface: 'multipleSelect',
    defaultValue: [],
    ...options,
    uiSchema: {
      type: 'array',
      title: t(title),
      'x-component': 'Select',
      'x-component-props': { mode: 'multiple' },
      enum: choices.map((o) => ({ ...o, label: label(o.label) })),
      ...uiSchema,
    },
  };
}

export function belongsToField(name: string, title: string, target: string, labelField: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'belongsTo',
    name,
    target,
    foreignKey: `${name}Id`,
    targetKey: 'id',
    interface: 'm2o',
    onDelete: 'RESTRICT',
    ...options,
    uiSchema: {
      title: t(title),
      'x-component': 'AssociationField',
      'x-component-props': { multiple: false, fieldNames: { label: labelField, value: 'id' } },
      ...uiSchema,
    },
  };
}

export function hasManyField(name: string, title: string, target: string, foreignKey: string, labelField: string, extra: FieldExtra = {}) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'hasMany',
    name,
    target,
    foreignKey,
    sourceKey: 'id',
    targetKey: 'id',
    interface: 'o2m',
    ...options,
    uiSchema: {
      title: t(title),
      'x-component': 'AssociationField',
      'x-component-props': { multiple: true, fieldNames: { label: labelField, value: 'id' } },
      ...uiSchema,
    },
  };
}

export function belongsToManyField(
  name: string,
  title: string,
  target: string,
  through: string,
  foreignKey: string,
  otherKey: string,
  labelField: string,
  extra: FieldExtra = {},
) {
  const { t, uiSchema, options } = split(extra);
  return {
    type: 'belongsToMany',
    name,
    target,
    through,
    foreignKey,
    otherKey,
    sourceKey: 'id',
    targetKey: 'id',
    interface: 'm2m',
    ...options,
    uiSchema: {
      title: t(title),
      'x-component': 'AssociationField',
      'x-component-props': { multiple: true, fieldNames: { label: labelField, value: 'id' } },
      ...uiSchema,
    },
  };
}
