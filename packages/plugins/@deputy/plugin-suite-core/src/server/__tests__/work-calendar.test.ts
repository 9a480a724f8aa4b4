import { createSuiteServer, signedInAs } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import { shanghaiToday, statutoryDays, suiteCore } from '@deputy/plugin-suite-core';

describe('plugin-suite-core: the shared work calendar (statutory holidays, 调休, local days)', () => {
  let app: MockServer;
  let calendar: ReturnType<typeof suiteCore>['calendar'];

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    calendar = suiteCore(app).calendar;
    // Install seeds the years around today; the 2026 schedule is the one these tests know by heart.
    await calendar.seedStatutory([2026]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('knows the 2026 national schedule: 国庆 1–7 October off, Sunday 20 September and Saturday 10 October worked', () => {
    const days = new Map(statutoryDays([2026]).map((d) => [d.date, d]));
    // Only weekdays off are exceptions: 3–4 October fall on a weekend anyway.
    for (const day of [1, 2, 5, 6, 7]) expect(days.get(`2026-10-0${day}`)?.kind).toBe('holiday');
    expect(days.has('2026-10-03')).toBe(false);
    expect(days.get('2026-09-20')).toMatchObject({ kind: 'workday', name: '国庆节调休' });
    expect(days.get('2026-10-10')?.kind).toBe('workday');
    // An ordinary Monday is no exception.
    expect(days.has('2026-11-23')).toBe(false);
  });

  it('seeds the current years on install and never seeds twice', async () => {
    const year = Number(shanghaiToday().slice(0, 4));
    const expected =
      statutoryDays([year - 1, year, year + 1]).length +
      (year - 1 <= 2026 && 2026 <= year + 1 ? 0 : statutoryDays([2026]).length);
    expect(await app.db.getRepository('workCalendarDays').count()).toBe(expected);
    expect(await calendar.seedStatutory([2026])).toBe(0);
  });

  it('moves a day that falls on a holiday to the next working day and counts working days across 国庆', async () => {
    expect(await calendar.isWorkingDay('2026-10-06')).toBe(false);
    expect(await calendar.nextWorkingDay('2026-10-06')).toBe('2026-10-08');
    expect(await calendar.isWorkingDay('2026-10-10')).toBe(true);
    expect(await calendar.nextWorkingDay('2026-11-16')).toBe('2026-11-16');
    // Wednesday 30 September + 2 working days: 8 October (holiday week), then Friday 9 October.
    expect(await calendar.addWorkingDays('2026-09-30', 2)).toBe('2026-10-09');
    // An ordinary week: Friday + 1 → Monday.
    expect(await calendar.addWorkingDays('2026-11-20', 1)).toBe('2026-11-23');
  });

  it('lets an administrator add a local holiday in the UI, which applies at once; a deputy can only read it', async () => {
    const admin = await signedInAs(app, 'cal-admin', ['npc-admin']);
    const deputy = await signedInAs(app, 'cal-deputy', ['deputy']);
    const created = await admin.agent
      .resource('workCalendarDays')
      .create({ values: { date: '2026-11-16', kind: 'holiday', name: '县庆' } });
    expect(created.status).toBe(200);
    expect(await calendar.nextWorkingDay('2026-11-16')).toBe('2026-11-17');
    const refused = await deputy.agent
      .resource('workCalendarDays')
      .create({ values: { date: '2026-11-17', kind: 'holiday' } });
    expect(refused.status).toBe(403);
    const listed = await deputy.agent.resource('workCalendarDays').list({ filter: { date: '2026-11-16' } });
    expect(listed.body.data.map((d: { name: string }) => d.name)).toEqual(['县庆']);
    // The same day twice is refused by the unique date.
    const twice = await admin.agent
      .resource('workCalendarDays')
      .create({ values: { date: '2026-11-16', kind: 'workday' } });
    expect(twice.status).toBeGreaterThanOrEqual(400);
    expect(await calendar.isWorkingDay('2026-11-16')).toBe(false);
  });
});
