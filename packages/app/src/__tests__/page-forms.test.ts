import fs from 'fs';
import path from 'path';

/**
 * The forms of the installed pages, read from the snapshots every plugin's pages are inserted from (the pages
 * tests prove each snapshot fits its blueprint): a 新增 form offers every field its collection requires and a
 * user may type, so no form is one that can only be refused. Derived from the collection definitions.
 * (#19: the visit and outcome forms once had no pairing field — NocoBase leaves out an association it can
 * only show by id — and every visit a deputy typed was refused.)
 */
const PLUGINS = path.resolve(__dirname, '../../../plugins/@deputy');

type Field = { name: string; type: string; foreignKey?: string; uiSchema?: Record<string, unknown> };

/** A popup template of a plugin's snapshots.json, as far as this test reads it. */
type ModelOptions = { stepParams?: { fieldSettings?: { init?: { fieldPath?: string } } } };
type TemplateJson = {
  row: { collectionName: string; useModel: string };
  flowModels: { options: string | ModelOptions }[];
};

async function collections(): Promise<Map<string, Field[]>> {
  const all = new Map<string, Field[]>();
  for (const plugin of fs.readdirSync(PLUGINS)) {
    const dir = path.join(PLUGINS, plugin, 'src/server/collections');
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const definition = (await import(path.join(dir, file))).default;
      if (definition?.name) all.set(definition.name, definition.fields ?? []);
    }
  }
  return all;
}

function forms() {
  const found: { plugin: string; collection: string; use: string; fieldPaths: Set<string> }[] = [];
  for (const plugin of fs.readdirSync(PLUGINS)) {
    const file = path.join(PLUGINS, plugin, 'src/server/pages/snapshots.json');
    if (!fs.existsSync(file)) continue;
    const { templates } = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const template of Object.values<TemplateJson>(templates ?? {})) {
      const fieldPaths = new Set<string>();
      for (const model of template.flowModels) {
        const options: ModelOptions = typeof model.options === 'string' ? JSON.parse(model.options) : model.options;
        const fieldPath = options?.stepParams?.fieldSettings?.init?.fieldPath;
        if (fieldPath) fieldPaths.add(fieldPath);
      }
      found.push({ plugin, collection: template.row.collectionName, use: template.row.useModel, fieldPaths });
    }
  }
  return found;
}

describe('the forms of the installed pages', () => {
  it('offer every field their collection requires', async () => {
    const defined = await collections();
    const createForms = forms().filter((form) => form.use === 'CreateFormModel' && defined.has(form.collection));
    expect(createForms.length).toBeGreaterThan(5);
    const missing: string[] = [];
    for (const form of createForms) {
      for (const field of defined.get(form.collection)!) {
        const ui = field.uiSchema ?? {};
        if (!ui.required || ui['x-read-pretty'] || ui['x-disabled']) continue;
        if (!form.fieldPaths.has(field.name)) missing.push(`${form.plugin}: ${form.collection}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('include the visit and outcome forms of 1+N结对帮扶, each with its pairing', () => {
    const pairingAid = forms().filter((form) => form.plugin === 'plugin-pairing-aid' && form.use === 'CreateFormModel');
    for (const collection of ['aidVisits', 'aidRecords']) {
      const form = pairingAid.find((f) => f.collection === collection);
      expect(form, collection).toBeDefined();
      expect([...form!.fieldPaths]).toContain('pairing');
    }
  });
});
