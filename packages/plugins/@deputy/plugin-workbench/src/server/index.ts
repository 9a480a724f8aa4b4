export { PluginWorkbenchServer } from './plugin';
export { default } from './plugin';
