'use strict';
/**
 * The 代表履职 distribution: which plugins a start enables, in dependency order.
 * Built-in NocoBase plugins the suite relies on are listed too, so a trimmed-down NocoBase still gets them.
 */
module.exports = {
  /** Language of the first install (administrators can add en-US in 系统设置). */
  lang: 'zh-CN',
  /** NocoBase plugins the suite needs besides the default preset. */
  builtInPlugins: [],
  /** The suite's own plugins, dependencies first: the core, the deputies, then the plugins that use them. */
  suitePlugins: [
    '@deputy/plugin-suite-core',
    '@deputy/plugin-deputies',
    '@deputy/plugin-duty-points',
    '@deputy/plugin-six-ones',
    '@deputy/plugin-pairing-aid',
    '@deputy/plugin-public-voice',
    '@deputy/plugin-suggestions',
    '@deputy/plugin-workbench',
  ],
};
