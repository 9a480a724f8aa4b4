import type { Context } from '@nocobase/actions';
import type { Database } from '@nocobase/database';
import { initialPassword } from '../services/deputy-accounts';
import { shanghaiToday } from '@deputy/plugin-suite-core';

/**
 * The demo town (#22): a town modelled on 洞口县高沙镇 — its 镇联络站 and five 片区站 ("1+5"), about 60
 * deputies with accounts — that each suite plugin fills with a year of its own data (its `loadDemo`).
 * Everything is written through the plugins' repositories and services, so the rules of the data layer
 * (ledger, caps, N-limit, transitions) hold for the demo as for real data.
 */
export type DemoAccount = { username: string; role: string; name: string; tryFirst: string };
export type DemoStation = { id: number; name: string; headUserId: number; district: boolean };
export type DemoDeputy = { id: number; userId: number; name: string; stationId: number; username: string };

export interface DemoTown {
  db: Database;
  /** The administrator's request: translation, and the caller for audit fields. */
  ctx: Context;
  /** Asia/Shanghai date of the load (YYYY-MM-DD) and its year: the demo year runs from 1 January to today. */
  today: string;
  year: number;
  /** The one password of every demo account (printed once by the load). */
  password: string;
  /** The 镇联络站 first, then the five 片区站 (district: true), whose deputies they are. */
  stations: DemoStation[];
  deputies: DemoDeputy[];
  /** The demo's npc-admin user (镇人大主席团办公室). */
  adminUserId: number;
  accounts: DemoAccount[];
  /** One line of progress: a load takes a minute or two. */
  progress(message: string): void;
  /** Deterministic pseudo-random numbers in [0, 1): the same town every time. */
  random(): number;
  pick<T>(list: readonly T[]): T;
  /** A date of the demo year, `daysAgo` days before today (never before 1 January). */
  daysAgo(days: number): string;
  /**
   * A step to run once every plugin has loaded its part (e.g. publishing a quarter, which freezes what the
   * other plugins' parts posted to the ledger). Steps run in the order they were given.
   */
  finally(step: () => Promise<void>): void;
  /** Runs the steps given to `finally` (the demo loader, after the last part). */
  runFinally(): Promise<void>;
}

/** What a suite plugin implements to fill the town with its data. */
export interface DemoPart {
  loadDemo(town: DemoTown): Promise<void>;
}

/** mulberry32: small, fast, and good enough for demo data. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function newDemoTown(db: Database, ctx: Context, progress: (message: string) => void): DemoTown {
  const random = seeded(20260106);
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  const yearStart = `${year}-01-01`;
  const finalSteps: (() => Promise<void>)[] = [];
  return {
    db,
    ctx,
    today,
    year,
    password: initialPassword(),
    stations: [],
    deputies: [],
    adminUserId: 0,
    accounts: [],
    progress,
    random,
    pick: (list) => list[Math.floor(random() * list.length)],
    daysAgo(days) {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - Math.max(0, Math.floor(days)));
      const date = d.toISOString().slice(0, 10);
      return date < yearStart ? yearStart : date;
    },
    finally(step) {
      finalSteps.push(step);
    },
    async runFinally() {
      for (const step of finalSteps) await step();
    },
  };
}
