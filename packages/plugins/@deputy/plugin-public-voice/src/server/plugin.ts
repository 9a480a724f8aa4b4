import { Plugin } from '@nocobase/server';

export class PluginServer extends Plugin {}

export default PluginServer;
