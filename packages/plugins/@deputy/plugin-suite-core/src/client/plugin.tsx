import { Plugin } from '@nocobase/client';
import React, { type ReactNode } from 'react';
import { FirstPasswordChange } from './FirstPasswordChange';
import { quietSignedOutRefusals } from './signed-out-refusals';
import { guardUploads } from './upload-guard';

const NS = '@deputy/plugin-suite-core';

export class PluginSuiteCoreClient extends Plugin {
  async load() {
    quietSignedOutRefusals(this.app.apiClient?.axios);
    // Deputies sign in with their mobile number (the server accepts it, sign-in-protection.ts): the sign-in
    // form of NocoBase's basic auth (namespace "auth") says so.
    const account = { 'zh-CN': '手机号/用户名/邮箱', 'en-US': 'Mobile/Username/Email' };
    for (const [lng, text] of Object.entries(account))
      this.app.i18n.addResourceBundle(lng, 'auth', { 'Username/Email': text }, true, true);
    // Over every page: an account's initial password is changed before anything else.
    const t = (key: string) => this.app.i18n.t(key, { ns: [NS, 'client'] });
    this.app.addProvider(({ children }: { children?: ReactNode }) => (
      <FirstPasswordChange t={t}>{children}</FirstPasswordChange>
    ));
    guardUploads(() => t('A file is still uploading: save once it has arrived'));
  }
}

export default PluginSuiteCoreClient;
