import type { Application } from '@nocobase/server';

/**
 * Another plugin of the suite when it is enabled in this app, else null — typed by the caller with a type-only
 * import (`import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points'`), so no plugin loads
 * another's code and each still works without the others.
 */
export function enabledPlugin<T extends object>(app: Application, name: string): T | null {
  try {
    const plugin = app.pm.get(name) as unknown as (T & { enabled?: boolean }) | undefined;
    return plugin?.enabled ? plugin : null;
  } catch {
    return null;
  }
}

/**
 * Tasks run one after another in this process, in the order given; a failed task does not stop the next.
 * (Crediting to duty-points: two credits of the same source never race each other here, and the filing
 * service's own source check makes a repeat harmless across processes.)
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
