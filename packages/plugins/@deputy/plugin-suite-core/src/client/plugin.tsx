import { Plugin } from '@nocobase/client';

export class PluginSuiteCoreClient extends Plugin {
  async load() {
    // Deputies sign in with their mobile number (the server accepts it, sign-in-protection.ts): the sign-in
    // form of NocoBase's basic auth (namespace "auth") says so.
    const account = { 'zh-CN': '手机号/用户名/邮箱', 'en-US': 'Mobile/Username/Email' };
    for (const [lng, text] of Object.entries(account))
      this.app.i18n.addResourceBundle(lng, 'auth', { 'Username/Email': text }, true, true);
  }
}

export default PluginSuiteCoreClient;
