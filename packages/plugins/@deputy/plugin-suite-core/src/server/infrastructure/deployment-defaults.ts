import type { Database } from '@nocobase/database';

/**
 * Settings a government deployment needs from its first start; applied once at install, after which the
 * administrator owns them (系统设置 and 用户认证 in the UI):
 * - no public self-registration on the sign-in page ("注册账号" would let anyone create an account);
 * - the system title, and both zh-CN (primary) and en-US offered in the language menu.
 */
export async function applyDeploymentDefaults(db: Database, titles: Record<string, string>) {
  if (!db.hasCollection('authenticators') || !db.hasCollection('systemSettings')) return;
  const authenticators = db.getRepository('authenticators');
  const basic = await authenticators.findOne({ filter: { name: 'basic' } });
  if (basic) {
    const options = basic.get('options') || {};
    await authenticators.update({
      filterByTk: basic.get('id') as number,
      values: { options: { ...options, public: { ...(options.public || {}), allowSignUp: false } } },
    });
  }
  const settings = db.getRepository('systemSettings');
  const current = await settings.findOne({ filterByTk: 1 });
  if (current) {
    const languages: string[] = current.get('enabledLanguages') || [];
    await settings.update({
      filterByTk: 1,
      values: {
        title: titles[current.get('appLang')] || titles['zh-CN'],
        enabledLanguages: [...new Set([current.get('appLang') || 'zh-CN', ...languages, 'zh-CN', 'en-US'])],
      },
    });
  }
}
