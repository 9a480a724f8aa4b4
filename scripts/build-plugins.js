#!/usr/bin/env node
/**
 * Builds the suite's plugins without @nocobase/build (not on the registry for 2.x).
 *
 * For each packages/plugins/@deputy/plugin-* it writes what a NocoBase 2.2 server and browser load:
 *   dist/**            server code, CommonJS, one file per src file (client dirs and tests left out),
 *                      so dist/server/collections and dist/server/migrations auto-load;
 *   dist/locale/*.json copied from src/locale;
 *   dist/node_modules  third-party server dependencies the host app does not provide, bundled;
 *   dist/client/index.js one AMD module named after the package, with the host's shared libraries
 *                      (react, antd, @nocobase/client, ...) as AMD dependencies;
 *   dist/externalVersion.js versions of the host libraries the plugin was built against;
 * and, with --tar, an npm-style archive in storage/tar/@deputy/ for upload through the plugin manager.
 *
 * Usage: node scripts/build-plugins.js [--tar] [plugin-name ...]
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const PLUGINS_DIR = path.join(ROOT, 'packages/plugins/@deputy');

// Modules the NocoBase server process already has (the externals of NocoBase's own plugin build), so a plugin
// requires the host's copy instead of bundling its own.
const SERVER_HOST_MODULES = [
  /^@nocobase\//,
  /^@deputy\//,
  ...[
    'jsonwebtoken',
    'cache-manager',
    'sequelize',
    'umzug',
    'async-mutex',
    '@formulajs/formulajs',
    'mathjs',
    'winston',
    'winston-daily-rotate-file',
    'koa',
    '@koa/cors',
    '@koa/router',
    'multer',
    '@koa/multer',
    'koa-bodyparser',
    'koa-static',
    'koa-send',
    'react',
    'react-dom',
    'antd',
    'i18next',
    'dayjs',
    'mysql2',
    'pg',
    'pg-hstore',
    'sqlite3',
    'supertest',
    'axios',
    'lodash',
    'exceljs',
  ].map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/|$)`)),
];

// Modules the NocoBase v1 browser client defines for requirejs
// (packages/core/client/src/application/utils/globalDeps.ts); plugins of this suite may import each other too.
const CLIENT_HOST_MODULES = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  'react-router',
  'react-router-dom',
  'antd',
  'antd-style',
  '@ant-design/icons',
  '@ant-design/cssinjs',
  'i18next',
  'react-i18next',
  '@formily/antd-v5',
  '@formily/core',
  '@formily/react',
  '@formily/shared',
  '@formily/json-schema',
  '@formily/reactive',
  '@formily/path',
  '@formily/validator',
  '@formily/reactive-react',
  '@nocobase/utils',
  '@nocobase/utils/client',
  '@nocobase/client',
  '@nocobase/client/client',
  '@nocobase/evaluators',
  '@nocobase/evaluators/client',
  '@nocobase/sdk',
  '@nocobase/flow-engine',
  '@dnd-kit/core',
  '@dnd-kit/sortable',
  'axios',
  'dayjs',
  'lodash',
  'ahooks',
  '@emotion/css',
  'file-saver',
];

const isServerHost = (spec) => SERVER_HOST_MODULES.some((re) => re.test(spec));
const isClientHost = (spec) => CLIENT_HOST_MODULES.includes(spec) || /^@deputy\/plugin-[^/]+(\/client)?$/.test(spec);
const packageNameOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

function isServerSource(rel) {
  const parts = rel.split(path.sep);
  if (parts[0] === 'client' || parts[0] === 'client-v2') return false;
  if (parts.includes('__tests__') || parts.includes('__e2e__') || parts.includes('demos')) return false;
  if (/\.d\.ts$/.test(rel) || /\.(test|spec)\.[jt]sx?$/.test(rel) || /\.md$/.test(rel)) return false;
  return true;
}

function readVersion(name) {
  try {
    return require(require.resolve(`${name}/package.json`, { paths: [ROOT] })).version;
  } catch {
    return undefined;
  }
}

async function buildServer(pluginDir, pkg) {
  const srcDir = path.join(pluginDir, 'src');
  const distDir = path.join(pluginDir, 'dist');
  const files = walk(srcDir)
    .map((f) => path.relative(srcDir, f))
    .filter(isServerSource);
  const code = files.filter((f) => /\.(ts|tsx|js|jsx)$/.test(f) && !f.endsWith('.d.ts'));
  const assets = files.filter((f) => !code.includes(f));

  const result = await esbuild.build({
    absWorkingDir: pluginDir,
    entryPoints: code.map((f) => path.join(srcDir, f)),
    outbase: srcDir,
    outdir: distDir,
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    bundle: false,
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  });
  for (const rel of assets) {
    fs.mkdirSync(path.dirname(path.join(distDir, rel)), { recursive: true });
    fs.copyFileSync(path.join(srcDir, rel), path.join(distDir, rel));
  }

  // Third-party imports the host lacks are bundled into dist/node_modules/<dep> (what @nocobase/build does with ncc).
  const bare = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.path.startsWith('.') && !imp.path.startsWith('node:') && !require('module').isBuiltin(imp.path)) {
        bare.add(imp.path);
      }
    }
  }
  // esbuild does not report imports of unbundled files; scan the emitted requires instead.
  for (const rel of code) {
    const out = path.join(distDir, rel.replace(/\.(ts|tsx|jsx)$/, '.js'));
    const text = fs.readFileSync(out, 'utf8');
    for (const m of text.matchAll(/require\("([^"./][^"]*)"\)/g)) {
      if (!m[1].startsWith('node:') && !require('module').isBuiltin(m[1])) bare.add(m[1]);
    }
  }
  const vendored = {};
  const hostVersions = {};
  for (const spec of bare) {
    const name = packageNameOf(spec);
    if (isServerHost(spec)) {
      hostVersions[name] = readVersion(name) || '*';
      continue;
    }
    if (vendored[name]) continue;
    const version = readVersion(name);
    if (!version) throw new Error(`${pkg.name}: server dependency "${name}" is not installed; add it to package.json`);
    const target = path.join(distDir, 'node_modules', name);
    await esbuild.build({
      absWorkingDir: ROOT,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: ROOT },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      outfile: path.join(target, 'index.js'),
      logLevel: 'warning',
    });
    fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }, null, 2));
    vendored[name] = version;
  }
  fs.writeFileSync(
    path.join(distDir, 'externalVersion.js'),
    `module.exports = ${JSON.stringify(hostVersions, null, 2)};\n`,
  );
  return { files: code.length, assets: assets.length, vendored: Object.keys(vendored) };
}

async function buildClient(pluginDir, pkg) {
  const entry = ['index.tsx', 'index.ts', 'index.jsx', 'index.js']
    .map((f) => path.join(pluginDir, 'src/client', f))
    .find((f) => fs.existsSync(f));
  const outfile = path.join(pluginDir, 'dist/client/index.js');
  if (!entry) throw new Error(`${pkg.name}: src/client/index.tsx is missing (every enabled plugin must ship a client)`);

  const used = new Set();
  const hostPlugin = {
    name: 'host-modules',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isClientHost(args.path)) {
          used.add(args.path);
          return { path: args.path, external: true };
        }
        if (/^@nocobase\//.test(args.path) || /^(koa|sequelize)(\/|$)/.test(args.path)) {
          // Server-only or not provided to the browser: fail the build instead of the page.
          return {
            errors: [{ text: `"${args.path}" is not available in the browser (imported by ${args.importer})` }],
          };
        }
        return undefined;
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: pluginDir,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'browser',
    target: 'es2019',
    jsx: 'automatic',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.png': 'dataurl', '.svg': 'dataurl', '.jpg': 'dataurl' },
    plugins: [hostPlugin],
    logLevel: 'warning',
  });
  const body = result.outputFiles[0].text;
  const deps = [...used].sort();
  // AMD "simplified CommonJS" wrapper: requirejs loads the listed host modules first, then the CommonJS body
  // requires them synchronously; module.exports (with __esModule and default) becomes the module value.
  const amd =
    `define(${JSON.stringify(pkg.name)}, ${JSON.stringify(['require', 'exports', 'module', ...deps])}, ` +
    `function (require, exports, module) {\n${body}\n});\n`;
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  fs.writeFileSync(outfile, amd);
  return { bytes: Buffer.byteLength(amd), deps };
}

function pack(pluginDir) {
  const dest = path.join(ROOT, 'storage/tar/@deputy');
  fs.mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], {
    cwd: pluginDir,
    encoding: 'utf8',
  });
  return path.join(dest, out.trim().split('\n').pop());
}

async function buildPlugin(dirName, { tar }) {
  const pluginDir = path.join(PLUGINS_DIR, dirName);
  const pkg = JSON.parse(fs.readFileSync(path.join(pluginDir, 'package.json'), 'utf8'));
  fs.rmSync(path.join(pluginDir, 'dist'), { recursive: true, force: true });
  const server = await buildServer(pluginDir, pkg);
  const client = await buildClient(pluginDir, pkg);
  const archive = tar ? pack(pluginDir) : undefined;
  return { name: pkg.name, server, client, archive };
}

/** Builds the named plugins (all when none are named); returns their build reports. */
async function buildAll({ tar = false, only = [], quiet = false } = {}) {
  const wanted = only.map((a) => a.replace(/^@deputy\//, ''));
  const dirs = fs
    .readdirSync(PLUGINS_DIR)
    .filter((d) => d.startsWith('plugin-') && fs.existsSync(path.join(PLUGINS_DIR, d, 'package.json')))
    .filter((d) => wanted.length === 0 || wanted.includes(d));
  const reports = [];
  for (const dir of dirs) {
    const started = Date.now();
    const r = await buildPlugin(dir, { tar });
    reports.push(r);
    if (quiet) continue;
    console.log(
      `built ${r.name}: ${r.server.files} server files, ${r.client.bytes} B client` +
        (r.server.vendored.length ? `, vendored ${r.server.vendored.join(', ')}` : '') +
        (r.archive ? `, archive ${path.relative(ROOT, r.archive)}` : '') +
        ` (${Date.now() - started} ms)`,
    );
  }
  return reports;
}

async function main() {
  const args = process.argv.slice(2);
  await buildAll({ tar: args.includes('--tar'), only: args.filter((a) => !a.startsWith('--')) });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { buildAll, buildPlugin, CLIENT_HOST_MODULES };
