import { Plugin } from '@nocobase/client';

export class PluginClient extends Plugin {}

export default PluginClient;
