import { Plugin } from '@nocobase/client';
import { StationOverviewBlockModel } from './models/StationOverviewBlockModel';

export class PluginDeputiesClient extends Plugin {
  async load() {
    // Deputies sign in with their mobile number (the server accepts it, sign-in-protection.ts): the sign-in
    // form of NocoBase's basic auth (namespace "auth") says so.
    const account = { 'zh-CN': '手机号/用户名/邮箱', 'en-US': 'Mobile/Username/Email' };
    for (const [lng, text] of Object.entries(account)) this.app.i18n.addResourceBundle(lng, 'auth', { 'Username/Email': text }, true, true);
    // Registered flow models appear under "Add block → Other blocks" on any modern page.
    this.flowEngine.registerModels({ StationOverviewBlockModel });
  }
}

export default PluginDeputiesClient;
