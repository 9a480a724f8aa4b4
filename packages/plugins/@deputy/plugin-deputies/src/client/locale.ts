import { tExpr as flowTExpr, useFlowEngine } from '@nocobase/flow-engine';

export const NS = '@deputy/plugin-deputies';

/** Translate now, inside React components rendered by the flow engine. */
export function useT() {
  const engine = useFlowEngine();
  return (key: string) => engine.context.t(key, { ns: [NS, 'client'] });
}

/** Deferred translation for texts defined at module load (menu labels, settings titles). */
export function tExpr(key: string) {
  return flowTExpr(key, { ns: [NS, 'client'] });
}
