/**
 * Files on the started app (#15, item 4), where NocoBase's gateway serves them: by id at
 * /files/main/main/attachments/<id> (then a redirect) and by stored name at /storage/uploads/<name>. A duty
 * record's evidence is fetched by those who may read the record — its deputy, its station, administrators —
 * and by no one else; an upload attached nowhere by its uploader alone. Each fetch follows redirects as a
 * browser does and compares the bytes.
 */
import { buildWorld, Http } from '@deputy/test-helpers/security/permissions-matrix';
import { ADMIN, BASE_URL } from './support';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const http: Http = async (method, url, body, token) => {
  const res = await fetch(`${BASE_URL}/api${url}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      'X-Authenticator': 'basic',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
};

async function upload(token: string, name: string) {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), name);
  const res = await fetch(`${BASE_URL}/api/attachments:create`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'X-Authenticator': 'basic' },
    body: form,
  });
  const json: any = await res.json();
  if (!res.ok) throw new Error(`upload: ${res.status} ${JSON.stringify(json)}`);
  return json.data as { id: number; filename: string; extname: string };
}

/** GET as a browser: following redirects, with the caller's token (same origin: fetch keeps it). */
async function fetchFile(path: string, token?: string) {
  const res = await fetch(`${BASE_URL}${encodeURI(path)}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    redirect: 'follow',
  });
  return { status: res.status, same: Buffer.from(await res.arrayBuffer()).equals(PNG) };
}

const urlsOf = (file: { id: number; filename: string; extname: string }) => [
  `/files/main/main/attachments/${file.id}${file.extname}`,
  `/storage/uploads/${file.filename}`,
];

it('serves a duty record’s evidence to who may read the record, and an unattached upload to its uploader, only', async () => {
  const password = `Files-${Date.now() % 1e6}-Admin1`;
  const root = await http('POST', '/auth:signIn', { account: ADMIN.account, password: ADMIN.password });
  const username = `fileadmin${Date.now() % 1e6}`;
  expect(
    (
      await http(
        'POST',
        '/users:create',
        { username, nickname: '人大管理员', password, roles: ['npc-admin'] },
        root.body.data.token,
      )
    ).status,
  ).toBe(200);
  const world = await buildWorld(http, username, password);
  const t = world.tokens as Record<string, string | undefined>;
  try {
    const evidence = await upload(t.deputyA!, '甲代表的佐证.png');
    const record = await http(
      'POST',
      '/dutyRecords:create',
      { itemId: world.ids.item, date: '2024-08-05', evidence: [{ id: evidence.id }] },
      t.deputyA,
    );
    expect(record.status, JSON.stringify(record.body)).toBe(200);
    const loose = await upload(t.deputyB!, '乙代表未提交的照片.png');
    const failures: string[] = [];
    for (const url of urlsOf(evidence)) {
      for (const who of ['deputyA', 'staffA', 'admin']) {
        const res = await fetchFile(url, t[who]);
        if (res.status !== 200 || !res.same)
          failures.push(`${who} may read the record but got ${res.status} at ${url}`);
      }
      for (const who of ['deputyB', 'staffB', 'anonymous']) {
        const res = await fetchFile(url, t[who]);
        if (res.same)
          failures.push(`${who} may not read the record but fetched its evidence at ${url} (${res.status})`);
      }
    }
    for (const url of urlsOf(loose)) {
      const own = await fetchFile(url, t.deputyB);
      if (own.status !== 200 || !own.same) failures.push(`the uploader got ${own.status} for its own upload at ${url}`);
      for (const who of ['deputyA', 'staffA', 'anonymous']) {
        const res = await fetchFile(url, t[who]);
        if (res.same) failures.push(`${who} fetched another user's unattached upload at ${url} (${res.status})`);
      }
    }
    expect(failures).toEqual([]);
  } finally {
    await world.restore();
  }
});
