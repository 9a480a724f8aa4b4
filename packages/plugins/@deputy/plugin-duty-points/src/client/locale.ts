import { tExpr as flowTExpr, useFlowEngine } from '@nocobase/flow-engine';

export const NS = '@deputy/plugin-duty-points';

export function useT() {
  const engine = useFlowEngine();
  return (key: string, options: Record<string, unknown> = {}) =>
    engine.context.t(key, { ns: [NS, 'client'], ...options });
}

export function tExpr(key: string) {
  return flowTExpr(key, { ns: [NS, 'client'] });
}
