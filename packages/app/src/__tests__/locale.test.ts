import fs from 'fs';
import path from 'path';

/**
 * Every text the suite shows is translated: each key used in a plugin's code through tt(), t(), ctx.t()
 * or tExpr() exists in both its zh-CN and en-US files, and the two files have the same keys.
 */
const PLUGINS = path.resolve(__dirname, '../../../plugins/@deputy');

function sourceFiles(dir: string, out: string[] = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== '__tests__') sourceFiles(full, out);
    else if (/\.(ts|tsx)$/.test(entry.name)) out.push(full);
  }
  return out;
}

const plugins = fs.readdirSync(PLUGINS).filter((p) => fs.existsSync(path.join(PLUGINS, p, 'src/locale/zh-CN.json')));

describe('localization of the suite', () => {
  it('finds the plugins', () => {
    expect(plugins).toContain('plugin-deputies');
  });

  for (const plugin of plugins) {
    it(`${plugin}: every key used in code is in zh-CN and en-US`, () => {
      const zh = JSON.parse(fs.readFileSync(path.join(PLUGINS, plugin, 'src/locale/zh-CN.json'), 'utf8'));
      const en = JSON.parse(fs.readFileSync(path.join(PLUGINS, plugin, 'src/locale/en-US.json'), 'utf8'));
      expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
      const used = new Set<string>();
      for (const file of sourceFiles(path.join(PLUGINS, plugin, 'src'))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\b(?:tt|t|tExpr|Field|field)\(\s*'([^']+)'/g)) used.add(m[1]);
        // Builders take the title as their second argument: stringField('name', 'Title', ...).
        for (const m of text.matchAll(/\b\w+Field\(\s*'[^']+',\s*'([^']+)'/g)) used.add(m[1]);
        for (const m of text.matchAll(/\blabel: '([^']+)'/g)) used.add(m[1]);
      }
      const ignored = new Set(['users', 'deputies', 'liaisonStations', 'gridAreas', 'deputyGroups', 'deputyTerms']);
      const missing = [...used].filter((k) => !ignored.has(k) && !/^[a-z][A-Za-z]*$/.test(k) && !(k in zh));
      expect(missing).toEqual([]);
      for (const [key, value] of Object.entries(zh)) expect(value, key).not.toBe('');
    });
  }
});
