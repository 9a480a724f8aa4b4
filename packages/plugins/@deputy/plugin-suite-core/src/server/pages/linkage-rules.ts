import type { FlowJson } from './page-snapshots';

type Condition = { logic?: string; items?: Condition[]; path?: string; operator?: string; value?: unknown };

/** A condition's paths as the client resolves them: `record.status` → `{{ ctx.record.status }}`. */
function runtimeCondition(condition: Condition): Condition {
  if (Array.isArray(condition.items)) return { ...condition, items: condition.items.map(runtimeCondition) };
  const path = String(condition.path ?? '');
  return { ...condition, path: path.startsWith('{{') ? path : `{{ ctx.${path.replace(/^ctx\./, '')} }}` };
}

/**
 * Button linkage rules as blueprints write them — `{ key, when: { logic, items: [{ path: 'record.status', operator,
 * value }] }, then: [{ type: 'setActionState', state: 'hidden' }] }` — in the form NocoBase's client evaluates.
 * flowSurfaces stores a blueprint's `settings.linkageRules` as given; the client reads a bare path as a literal
 * string and knows no `setActionState` action, so such a rule silently never hid anything. Rules already in the
 * client's form (`condition` / `actions`) are left as they are.
 */
export function compileLinkageRules<T>(doc: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    const out: FlowJson = {};
    for (const [key, value] of Object.entries(node as FlowJson)) {
      out[key] = key === 'linkageRules' && Array.isArray(value) ? value.map(compileRule) : visit(value);
    }
    return out;
  };
  return visit(doc) as T;
}

function compileRule(rule: FlowJson, index: number): FlowJson {
  if (!('when' in rule) && !('then' in rule)) return rule;
  const { when, then, enabled, ...rest } = rule;
  const key = String(rule.key ?? `linkage-rule-${index + 1}`);
  return {
    ...rest,
    key,
    title: rule.title ?? key,
    enable: enabled ?? true,
    condition: runtimeCondition(when ?? { logic: '$and', items: [] }),
    actions: ((then ?? []) as FlowJson[]).map((action, i) => {
      if (action.type !== 'setActionState')
        throw new Error(`linkage rule ${key}: the action "${action.type}" is not supported in page blueprints`);
      return { key: `${key}-${i + 1}`, name: 'linkageSetActionProps', params: { value: action.state } };
    }),
  };
}
