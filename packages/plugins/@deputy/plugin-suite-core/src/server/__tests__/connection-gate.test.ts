import type { Database } from '@nocobase/database';
import { ConcurrencyGate, connectionBudget, connectionPoolMax, GateBusyError } from '@deputy/plugin-suite-core';

const fakeDb = (dialect: string, pool?: { max?: number }) =>
  ({
    sequelize: { getDialect: () => dialect, connectionManager: { config: { pool } } },
    options: {},
  }) as unknown as Database;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('plugin-suite-core: the connection gate (bounded concurrent work below the pool)', () => {
  it('sizes the budget from the pool: (max − 1) / 2, at least 1, 1 on SQLite', () => {
    expect(connectionPoolMax(fakeDb('postgres', { max: 5 }))).toBe(5);
    expect(connectionPoolMax(fakeDb('postgres'))).toBe(5); // Sequelize's default
    expect(connectionBudget(fakeDb('postgres', { max: 5 }))).toBe(2);
    expect(connectionBudget(fakeDb('mariadb', { max: 20 }))).toBe(9);
    expect(connectionBudget(fakeDb('postgres', { max: 2 }))).toBe(1);
    expect(connectionBudget(fakeDb('sqlite'))).toBe(1);
  });

  it('runs at most `limit` at once, the rest in arrival order, and frees the slot when work fails', async () => {
    const gate = new ConcurrencyGate(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const work = (i: number) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(10);
        running--;
        order.push(i);
        if (i === 3) throw new Error('boom');
        return i;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5, 6].map(work));
    expect(peak).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4, 5, 6]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses work that waited longer than maxWaitMs, without taking a slot', async () => {
    const gate = new ConcurrencyGate(1, 30);
    const long = gate.run(() => sleep(80));
    await expect(gate.run(async () => 'late')).rejects.toBeInstanceOf(GateBusyError);
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
    await long;
    expect(await gate.run(async () => 'next')).toBe('next');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});
