export { Appraisal } from './services/appraisal';
export { SuggestionFlow } from './services/suggestion-flow';
export { SuggestionCrediting } from './services/crediting';
export { PluginSuggestionsServer, SUGGESTION_COLLECTIONS } from './plugin';
export { default } from './plugin';
