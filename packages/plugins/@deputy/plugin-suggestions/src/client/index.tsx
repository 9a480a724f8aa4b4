import { Plugin } from '@nocobase/client';

/** The 代表建议 pages are NocoBase's own blocks over this plugin's collections; nothing custom on the client. */
export class PluginSuggestionsClient extends Plugin {}

export default PluginSuggestionsClient;
