/**
 * Issue #15's adversarial generator on the started app (PostgreSQL, workflows on, as installed): the schema, the
 * grants, the data scopes and the named actions (namedActions:list, class F) come from the app's HTTP API, the
 * snapshots from its database (http-attack-env.ts).
 * Over HTTP the whole run (about 11,000 attacks) takes longer than this stage may, so it sends a deterministic
 * sample: every class × suite collection × role at least once, the rest drawn with a fixed seed
 * (ATTACKS_E2E_SIZE, default 2500; 0 sends everything: 12,229 attacks took 153 s on the idle 2-core machine, and 4,000 took 112 s beside the server tests).
 */
import {
  AttackClass,
  AttackGenerator,
  CLASS_NAMES,
  formatReport,
} from '@deputy/test-helpers/security/attack-generator';
import { sampleAttacks, startedAppAttackEnv } from '@deputy/test-helpers/security/http-attack-env';
import { ADMIN, BASE_URL } from './support';

it('lets no role write, link or read anything outside its reach on the started app', async () => {
  const t0 = Date.now();
  const pg = {
    host: process.env.E2E_PG_HOST || '127.0.0.1',
    port: Number(process.env.E2E_PG_PORT || 15434),
    user: process.env.E2E_PG_USER || 'nocobase',
    password: process.env.E2E_PG_PASSWORD || '',
    // The app's database: EMBEDDED_DB_DATABASE of its .env, 'nocobase' unless changed (scripts/lib/database.js).
    database: process.env.E2E_PG_DATABASE || 'nocobase',
  };
  const { env, world } = await startedAppAttackEnv({
    baseURL: BASE_URL,
    admin: ADMIN,
    pg,
    log: (line) => console.log(line),
  });
  try {
    const generator = new AttackGenerator(env, { sample: true });
    const all = await generator.generate();
    const size = Number(process.env.ATTACKS_E2E_SIZE ?? 2500);
    const attacks = size > 0 ? sampleAttacks(all, size) : all;
    const per = (list: typeof all) =>
      (Object.keys(CLASS_NAMES) as AttackClass[])
        .map((c) => `${c} ${list.filter((x) => x.cls === c).length}`)
        .join(', ');
    const covered = (list: typeof all) =>
      `${new Set(list.map((x) => x.collection)).size} collections, ${new Set(list.map((x) => x.attacker.key)).size} roles, ${new Set(list.map((x) => `${x.cls}|${x.collection}|${x.attacker.key}`)).size} class × collection × role`;
    console.log(
      `attacks on the started app: ${all.length} generated (${per(all)}; ${covered(all)}), ${attacks.length} sent (${per(attacks)}; ${covered(attacks)}), fixtures ${Math.round((Date.now() - t0) / 1000)}s`,
    );
    const report = await generator.run(attacks);
    const text = formatReport(report);
    console.log(
      `attack generator on the started app: ${attacks.length} attacks, ${report.failures.length} failures, ${Math.round(report.ms / 1000)}s\n${text}`,
    );
    expect(report.failures.length, text).toBe(0);
    const serverErrors = Object.values(report.counts).reduce((n, c) => n + c.serverErrors, 0);
    expect(serverErrors, report.notes.filter((n) => n.startsWith('5xx')).join('\n')).toBe(0);
  } finally {
    await world.restore();
    await env.close();
  }
}, 300000);
