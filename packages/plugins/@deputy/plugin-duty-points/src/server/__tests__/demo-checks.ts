import type { DemoCall } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import type PluginFileManagerServer from '@nocobase/plugin-file-manager';
import type { MockServer } from '@nocobase/test';
import { lastFinishedQuarter } from '../demo';
import { periodRange } from '../services/scores';
import { REVIEW_WORKFLOW_KEY } from '../services/review-workflow';

const STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'revoked'];
const PNG_SIGNATURE = '89504e470d0a1a0a';

/** A review task as workflowManualTasks:listMine answers it (with the execution and workflow appended). */
type ListedTask = { workflow?: { key?: string }; execution?: { context?: { data?: { id?: number } } } };
/** A period of the public board as scoreBoard:list answers it. */
type BoardPeriod = { period: string; version: number; rows: { total: unknown }[] };

/** What the demo town must hold of this plugin's data (demo-town.test.ts); returns the failed checks. */
export async function checkDutyPointsDemo(
  app: MockServer,
  signIn: (username: string) => Promise<string>,
  call: DemoCall,
): Promise<string[]> {
  const failures: string[] = [];
  const fail = (message: string) => failures.push(`duty-points: ${message}`);
  const db = app.db;
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));

  const deputies: Model[] = await db.getRepository('deputies').find({ appends: ['station'], sort: ['id'] });
  const records: Model[] = await db.getRepository('dutyRecords').find({ appends: ['item', 'evidence'], sort: ['id'] });
  const entries: Model[] = await db.getRepository('pointEntries').find({ sort: ['id'] });
  const items: Model[] = await db.getRepository('dutyItems').find();
  const itemById = new Map(items.map((i) => [i.get('id'), i]));

  // ---- Records: every state, a year of them for every deputy, over many items and months -------------
  const byStatus = new Map<string, number>();
  for (const r of records) byStatus.set(r.get('status'), (byStatus.get(r.get('status')) ?? 0) + 1);
  for (const status of STATUSES) if (!byStatus.get(status)) fail(`no duty record is ${status}`);
  if ((byStatus.get('approved') ?? 0) < records.length / 2)
    fail(`only ${byStatus.get('approved') ?? 0} of ${records.length} duty records are approved`);
  for (const d of deputies) {
    const own = records.filter((r) => r.get('deputyId') === d.get('id'));
    if (own.length < 8) fail(`deputy ${d.get('name')} has only ${own.length} duty records (expected a year of them)`);
  }
  const usedItems = new Set(records.map((r) => r.get('item')?.get('code')));
  if (usedItems.size < 15) fail(`the duty records use only ${usedItems.size} of the ${items.length} duty items`);
  const months = new Set(
    records.filter((r) => String(r.get('date')).startsWith(String(year))).map((r) => String(r.get('date')).slice(5, 7)),
  );
  const wantedMonths = Math.max(1, Number(today.slice(5, 7)) - 1);
  if (months.size < wantedMonths)
    fail(`the duty records cover ${months.size} months of the year, expected at least ${wantedMonths}`);
  const future = records.filter((r) => String(r.get('date')).slice(0, 10) > today);
  if (future.length) fail(`${future.length} duty records are dated after today`);

  // ---- Evidence: required evidence is there for what went to review; the files are real PNGs ---------
  const reviewed = records.filter(
    (r) => ['submitted', 'rejected'].includes(r.get('status')) && r.get('item')?.get('evidenceRequired'),
  );
  const withoutEvidence = reviewed.filter((r) => !(r.get('evidence') ?? []).length);
  if (withoutEvidence.length)
    fail(
      `records ${withoutEvidence.map((r) => r.get('id')).join(', ')} went to review without the evidence their item requires`,
    );
  const withEvidence = records.filter((r) => (r.get('evidence') ?? []).length);
  if (withEvidence.length < 50) fail(`only ${withEvidence.length} duty records have evidence attached`);
  const fileManager = app.pm.get<PluginFileManagerServer>('file-manager');
  for (const r of withEvidence.slice(0, 3)) {
    const file = r.get('evidence')[0];
    try {
      const { stream } = await fileManager.getFileStream(file);
      const head: Buffer = await new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks)));
        stream.on('error', reject);
      });
      if (head.subarray(0, 8).toString('hex') !== PNG_SIGNATURE)
        fail(`the evidence ${file.get('id')} of record ${r.get('id')} is not a PNG file`);
      if (file.get('mimetype') !== 'image/png')
        fail(`the evidence ${file.get('id')} has the type ${file.get('mimetype')}, not image/png`);
    } catch (e) {
      fail(
        `the evidence ${file.get('id')} of record ${r.get('id')} cannot be read from the storage: ${(e as Error)?.message}`,
      );
    }
  }

  // ---- Ledger: totals are the approved records' points; caps hold ------------------------------------
  const sum = (list: Model[], key: string) => list.reduce((s, x) => s + Number(x.get(key) ?? 0), 0);
  for (const d of deputies) {
    const id = d.get('id');
    const ledger = sum(
      entries.filter((e) => e.get('deputyId') === id),
      'points',
    );
    const approved = sum(
      records.filter((r) => r.get('deputyId') === id && r.get('status') === 'approved'),
      'awardedPoints',
    );
    if (ledger !== approved)
      fail(`deputy ${d.get('name')}: the ledger sums to ${ledger}, the approved records to ${approved}`);
  }
  const signedIn = new Set(
    (await db.getRepository('activityAttendances').find({ fields: ['recordId'] })).map((a: Model) => a.get('recordId')),
  );
  const entriesOf = new Map<number, Model[]>();
  for (const e of entries) entriesOf.set(e.get('recordId'), [...(entriesOf.get(e.get('recordId')) ?? []), e]);
  for (const r of records) {
    const mine = entriesOf.get(r.get('id')) ?? [];
    const kinds = mine
      .map((e) => e.get('kind'))
      .sort()
      .join(',');
    const status = r.get('status');
    const expected = status === 'approved' ? 'award' : status === 'revoked' ? 'award,reversal' : '';
    if (kinds !== expected) {
      fail(`record ${r.get('id')} (${status}) has ledger entries [${kinds}], expected [${expected}]`);
      continue;
    }
    if (status === 'approved' && Number(mine[0].get('points')) !== Number(r.get('awardedPoints'))) {
      fail(`record ${r.get('id')}: awarded ${r.get('awardedPoints')} but the ledger posted ${mine[0].get('points')}`);
    }
    if (status === 'revoked' && sum(mine, 'points') !== 0)
      fail(`revoked record ${r.get('id')} still counts ${sum(mine, 'points')} points`);
    if (status === 'revoked' && !String(r.get('revokeReason') ?? '').trim())
      fail(`revoked record ${r.get('id')} has no reason`);
    // Sign-ins and what other parts file approved (a no-show deduction) have no reviewer; the rest has one.
    const reviewable = !signedIn.has(r.get('id')) && !r.get('source');
    if ((status === 'rejected' || (status === 'approved' && reviewable)) && !r.get('reviewerId'))
      fail(`${status} record ${r.get('id')} has no reviewer`);
  }
  const perItem = new Map<string, number>();
  for (const e of entries) {
    const key = `${e.get('deputyId')}:${e.get('itemId')}:${e.get('year')}`;
    perItem.set(key, (perItem.get(key) ?? 0) + Number(e.get('points')));
  }
  for (const [key, total] of perItem) {
    const cap = itemById.get(Number(key.split(':')[1]))?.get('yearlyCap');
    if (cap !== null && cap !== undefined && total > cap)
      fail(`deputy/item/year ${key} has ${total} points, over the cap of ${cap}`);
  }
  if (!entries.some((e) => e.get('kind') === 'award' && Number(e.get('requestedPoints')) > Number(e.get('points')))) {
    fail('no award was cut by its yearly cap: the demo shows no cap at work');
  }
  if (!entries.some((e) => Number(e.get('points')) < 0 && e.get('kind') === 'award'))
    fail('no deduction (negative award) is in the ledger');

  // ---- Review: every submitted record waits in its station head's task; decisions went through tasks -
  const heads = deputies.map((d) => d.get('station')).filter((s) => s?.get('headId'));
  const headIds = [...new Set(heads.map((s) => s.get('headId')))];
  const headUsers: Model[] = await db.getRepository('users').find({ filter: { id: { $in: headIds } } });
  const stationOfDeputy = new Map(deputies.map((d) => [d.get('id'), d.get('stationId')]));
  const deadline = Date.now() + 60_000;
  for (const head of headUsers) {
    const username = head.get('username');
    const station = heads.find((s) => s.get('headId') === head.get('id'));
    const expected = records
      .filter((r) => r.get('status') === 'submitted' && r.get('reviewerId') === head.get('id'))
      .map((r) => r.get('id'));
    if (!expected.length) {
      fail(`${username} has no submitted record to review`);
      continue;
    }
    const token = await signIn(username);
    let listed: number[] = [];
    // The workflow creates tasks after the submission's commit: give late ones (of any part) a moment.
    for (;;) {
      const url = `/workflowManualTasks:listMine?pageSize=500&appends[]=execution&appends[]=workflow&filter=${encodeURIComponent(JSON.stringify({ status: 0 }))}`;
      const res = await call('get', url, token);
      if (res.status !== 200) {
        fail(`${username} cannot list its tasks: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        break;
      }
      const tasks = (res.body?.data ?? []) as ListedTask[];
      const reviews = tasks.filter((task) => task.workflow?.key === REVIEW_WORKFLOW_KEY);
      listed = reviews.map((task) => Number(task.execution?.context?.data?.id));
      if (expected.every((id) => listed.includes(id)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const missing = expected.filter((id) => !listed.includes(id));
    if (missing.length) fail(`${username}'s task list lacks the review of submitted records ${missing.join(', ')}`);
    const stray = listed.filter((id) => {
      const r = records.find((x) => x.get('id') === id);
      return !r || stationOfDeputy.get(r.get('deputyId')) !== station?.get('id');
    });
    if (stray.length)
      fail(`${username}'s pending reviews include records ${stray.join(', ')} of another station (or unknown)`);
  }
  if (!headUsers.some((u) => u.get('username') === 'demo-head1')) fail('demo-head1 is not a station head');
  const decided: Model[] = await db
    .getRepository('workflowManualTasks')
    .find({ filter: { status: { $ne: 0 }, 'workflow.key': REVIEW_WORKFLOW_KEY }, appends: ['execution'] });
  const decidedIds = new Set(decided.map((task) => Number(task.get('execution')?.get('context')?.data?.id)));
  const rejected = records.filter((r) => r.get('status') === 'rejected');
  const notThroughTasks = rejected.filter((r) => !decidedIds.has(r.get('id')));
  if (notThroughTasks.length)
    fail(
      `rejected records ${notThroughTasks.map((r) => r.get('id')).join(', ')} were not returned through a review task`,
    );
  const noComment = rejected.filter((r) => !String(r.get('reviewComment') ?? '').trim());
  if (noComment.length) fail(`rejected records ${noComment.map((r) => r.get('id')).join(', ')} have no review comment`);
  if (!records.some((r) => r.get('status') === 'approved' && decidedIds.has(r.get('id'))))
    fail('no record was approved through a review task');
  if (!records.some((r) => r.get('status') === 'submitted' && r.get('possibleDuplicate')))
    fail('no submitted record is flagged as a possible duplicate');

  // ---- Activities and sign-ins -------------------------------------------------------------------------
  const activities: Model[] = await db.getRepository('dutyActivities').find({ appends: ['attendances'] });
  for (const status of ['planned', 'approved', 'closed'])
    if (!activities.some((a) => a.get('status') === status)) fail(`no station activity is ${status}`);
  for (const s of new Set(deputies.map((d) => d.get('stationId')))) {
    if (!activities.some((a) => a.get('stationId') === s && a.get('attendances')?.length))
      fail(`station ${s} has no activity with sign-ins`);
  }
  const attendances: Model[] = await db.getRepository('activityAttendances').find({ appends: ['record', 'activity'] });
  const odd = attendances.filter((a) => {
    const r = a.get('record');
    return (
      !r ||
      r.get('status') === 'draft' ||
      r.get('itemId') !== a.get('activity')?.get('itemId') ||
      String(r.get('date')).slice(0, 10) !== String(a.get('activity')?.get('date')).slice(0, 10) ||
      r.get('deputyId') !== a.get('deputyId')
    );
  });
  if (odd.length) fail(`sign-ins ${odd.map((a) => a.get('id')).join(', ')} do not match their duty record`);
  if (attendances.length < 200) fail(`only ${attendances.length} sign-ins to station activities`);

  // ---- Periods, the public board, appeals -------------------------------------------------------------
  const quarter = lastFinishedQuarter(today);
  const period: Model | null = await db.getRepository('scorePeriods').findOne({ filter: { key: quarter } });
  if (!period || period.get('status') !== 'published')
    fail(`the last finished quarter ${quarter} is not published (${period?.get('status') ?? 'missing'})`);
  if (!(await db.getRepository('scorePeriods').count({ filter: { status: 'open' } }))) fail('no score period is open');
  const board = await app.agent().get('/scoreBoard:list').set('X-Locale', 'en-US');
  const shown = ((board.body?.data ?? []) as BoardPeriod[]).find((p) => p.period === quarter);
  if (board.status !== 200 || !shown)
    fail(`the public board (scoreBoard:list, no sign-in) does not list ${quarter}: ${board.status}`);
  else {
    if (shown.rows.length !== deputies.length)
      fail(`the public board lists ${shown.rows.length} deputies for ${quarter}, not ${deputies.length}`);
    if (!shown.rows.some((row) => Number(row.total) > 0)) fail(`the public board shows no points for ${quarter}`);
    if (shown.version !== period?.get('version'))
      fail(`the public board shows version ${shown.version} of ${quarter}, the period is at ${period?.get('version')}`);
  }
  if (period && Number(period.get('version')) < 2)
    fail(`${quarter} was not re-published after the accepted appeal (version ${period.get('version')})`);
  if (period) {
    // The published version is the ledger of the quarter as it stood when it was published.
    const snapshots: Model[] = await db
      .getRepository('scoreSnapshots')
      .find({ filter: { periodId: period.get('id'), version: period.get('version') } });
    const range = periodRange(quarter)!;
    for (const s of snapshots) {
      const at = new Date(s.get('createdAt')).getTime();
      const ledger = sum(
        entries.filter(
          (e) =>
            e.get('deputyId') === s.get('deputyId') &&
            String(e.get('date')).slice(0, 10) >= range.from &&
            String(e.get('date')).slice(0, 10) <= range.to &&
            new Date(e.get('createdAt')).getTime() <= at,
        ),
        'points',
      );
      if (ledger !== Number(s.get('total')))
        fail(
          `the published ${quarter} shows ${s.get('total')} points for ${s.get('deputyName')}, the ledger had ${ledger}`,
        );
    }
    if (snapshots.length !== deputies.length)
      fail(
        `${quarter} version ${period.get('version')} has ${snapshots.length} published scores, not ${deputies.length}`,
      );
  }
  const appeals: Model[] = await db.getRepository('pointAppeals').find();
  for (const status of ['pending', 'accepted', 'rejected'])
    if (!appeals.some((a) => a.get('status') === status)) fail(`no appeal is ${status}`);
  const unreasoned = appeals.filter(
    (a) => a.get('status') !== 'pending' && !String(a.get('decisionReason') ?? '').trim(),
  );
  if (unreasoned.length) fail(`decided appeals ${unreasoned.map((a) => a.get('id')).join(', ')} have no reason`);
  for (const kind of ['wrong', 'duplicate', 'missing'])
    if (!appeals.some((a) => a.get('kind') === kind)) fail(`no appeal of kind ${kind}`);

  // ---- What a deputy's own pages list ------------------------------------------------------------------
  const deputy01: Model | null = await db.getRepository('users').findOne({ filter: { username: 'demo-deputy01' } });
  const own: Model | undefined = deputies.find((d) => d.get('userId') === deputy01?.get('id'));
  if (!deputy01 || !own) fail('demo-deputy01 is not a deputy');
  else {
    const token = await signIn('demo-deputy01');
    const list = await call('get', '/dutyRecords:list?pageSize=500', token);
    const rows = (list.body?.data ?? []) as { deputyId: number }[];
    const expected = records.filter((r) => r.get('deputyId') === own.get('id')).length;
    if (list.status !== 200 || !rows.length) fail(`demo-deputy01 lists no duty records: ${list.status}`);
    if (rows.some((r) => r.deputyId !== own.get('id'))) fail('demo-deputy01 sees duty records of other deputies');
    if (rows.length !== expected) fail(`demo-deputy01 lists ${rows.length} duty records, it has ${expected}`);
    const mine = await call('get', `/dutyScores:mine?year=${year}`, token);
    const ledger = sum(
      entries.filter((e) => e.get('deputyId') === own.get('id') && e.get('year') === year),
      'points',
    );
    const total = (mine.body?.data as { score?: { total?: number } } | undefined)?.score?.total;
    if (mine.status !== 200 || total !== ledger) fail(`demo-deputy01's 我的积分 shows ${total}, the ledger ${ledger}`);
    const points = await call('get', '/pointEntries:list?pageSize=500', token);
    if (((points.body?.data ?? []) as { deputyId: number }[]).some((e) => e.deputyId !== own.get('id')))
      fail('demo-deputy01 sees ledger entries of other deputies');
  }
  const headToken = await signIn('demo-head1');
  const headList = await call('get', '/dutyRecords:list?pageSize=1000', headToken);
  const head1: Model | undefined = headUsers.find((u) => u.get('username') === 'demo-head1');
  const head1Station = heads.find((s) => s.get('headId') === head1?.get('id'))?.get('id');
  const headRows = (headList.body?.data ?? []) as { deputyId: number }[];
  if (headList.status !== 200 || !headRows.length)
    fail(`demo-head1 lists no duty records of its station: ${headList.status}`);
  if (headRows.some((r) => stationOfDeputy.get(r.deputyId) !== head1Station))
    fail('demo-head1 sees duty records of other stations');
  return failures;
}
