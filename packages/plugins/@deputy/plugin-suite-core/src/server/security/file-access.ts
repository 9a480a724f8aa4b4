import type { Context, Next } from '@nocobase/actions';
import type { Database, Field, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { isRoot, isSuiteCollection, RequestPermissions } from './permissions';

/**
 * Files held by suite records — duty evidence, visit photos, mediation agreements, ledger scans — are fetched
 * only by someone who may read one of the records holding them, by their uploader, or by a role granted the
 * file itself (administrators). NocoBase 2.2 gives every signed-in user every attachment: by id at
 * /files/main/main/attachments/12 (attachments:getFile), or by stored name at /storage/uploads/… (checked by
 * auth:checkLegacyFileAccess, which asks for a sign-in only). Ids are sequential, so a deputy could walk
 * through every citizen's photo.
 *
 * A refused file answers 404, as a missing one does. Files that no suite record holds (the system logo, an
 * administrator's own collections) keep NocoBase's rules.
 */
export function guardFileAccess(app: Application) {
  app.resourceManager.use(
    async function deputyFileAccess(ctx: Context, next: Next) {
      const { resourceName, actionName } = ctx.action ?? {};
      let attachment: Model | undefined;
      if (resourceName === 'attachments' && actionName === 'getFile') {
        const id = ctx.state.fileAccess?.id ?? ctx.action.params?.filterByTk;
        if (id === undefined || id === null || !/^\d+$/.test(String(id))) return next();
        attachment = await ctx.db
          .getRepository('attachments')
          .findOne({ filterByTk: id, fields: ['id', 'createdById'] });
      } else if (resourceName === 'auth' && actionName === 'checkLegacyFileAccess' && ctx.state.legacyFileAccess) {
        attachment = await attachmentOfUploadUrl(ctx);
      } else {
        return next();
      }
      if (attachment && !isRoot(ctx) && !(await mayFetch(ctx, attachment))) return ctx.throw(404);
      await next();
    },
    { tag: 'deputy-file-access', after: 'setCurrentRole', before: 'acl' },
  );
}

/** The attachment stored under the requested /storage/uploads/<path>/<filename>, or undefined. */
async function attachmentOfUploadUrl(ctx: Context): Promise<Model | undefined> {
  const url = decodeURIComponent(String(ctx.originalUrl || '').split('?')[0]);
  const at = url.indexOf('storage/uploads/');
  if (at < 0) return undefined;
  const stored = url.slice(at + 'storage/uploads/'.length);
  const slash = stored.lastIndexOf('/');
  const filename = stored.slice(slash + 1);
  const path = slash < 0 ? '' : stored.slice(0, slash);
  if (!filename) return undefined;
  const rows = await ctx.db
    .getRepository('attachments')
    .find({ filter: { filename }, fields: ['id', 'createdById', 'path'] });
  // Local storage keeps the subfolder in `path` (empty or null for the root folder).
  return rows.find((r: Model) => String(r.get('path') ?? '').replace(/^\/+|\/+$/g, '') === path) ?? rows[0];
}

/**
 * Whether the caller may fetch a file: its uploader; someone who may read a suite record holding it; a role
 * granted the file itself. A file held only outside the suite follows NocoBase's rules; one held nowhere (an
 * upload not yet attached, a citizen's photo in a refused submission) is its uploader's alone.
 */
async function mayFetch(ctx: Context, attachment: Model) {
  const id: AttachmentId = attachment.get('id');
  const userId = ctx.state.currentUser?.id;
  if (userId !== undefined && String(attachment.get('createdById')) === String(userId)) return true;
  const perms = RequestPermissions.of(ctx);
  let heldBySuite = false;
  let heldElsewhere = false;
  for (const { collection, suite, holders } of fileFieldsOf(ctx.db)) {
    const ids = await holders(id);
    if (!ids.length) continue;
    if (!suite) {
      heldElsewhere = true;
      continue;
    }
    heldBySuite = true;
    if ((await perms.keysInScope(collection, 'view', ids)).size) return true;
  }
  if ((await perms.keysInScope('attachments', 'view', [id])).size) return true;
  return !heldBySuite && heldElsewhere;
}

type AttachmentId = number | string;
/** A row read with `raw: true`: its columns by name. */
type RawRow = Record<string, unknown>;
type FileField = { collection: string; suite: boolean; holders: (attachmentId: AttachmentId) => Promise<unknown[]> };

/** Every file field of every collection, as a lookup from an attachment id to the rows holding it. */
function fileFieldsOf(db: Database): FileField[] {
  const list: FileField[] = [];
  for (const collection of db.collections.values()) {
    const suite = isSuiteCollection(collection);
    for (const field of collection.fields.values() as Iterable<Field>) {
      if (field.target !== 'attachments' || collection.name === 'attachments') continue;
      const pk = collection.model.primaryKeyAttribute;
      if (field.type === 'belongsToMany') {
        const through = db.getModel(field.through);
        list.push({
          collection: collection.name,
          suite,
          holders: async (attachmentId) =>
            (
              (await through.findAll({
                where: { [field.otherKey]: attachmentId },
                attributes: [field.foreignKey],
                raw: true,
              })) as unknown as RawRow[]
            ).map((r) => r[field.foreignKey]),
        });
      } else if (field.type === 'belongsTo') {
        list.push({
          collection: collection.name,
          suite,
          holders: async (attachmentId) =>
            (
              (await collection.model.findAll({
                where: { [field.foreignKey]: attachmentId },
                attributes: [pk],
                raw: true,
              })) as unknown as RawRow[]
            ).map((r) => r[pk]),
        });
      } else if (suite) {
        throw new Error(
          `file field ${collection.name}.${field.name} (${field.type}): the file-access guard cannot find its holders`,
        );
      } else {
        // Held in a way this guard does not read: NocoBase's rules, as for any file held outside the suite.
        list.push({ collection: collection.name, suite, holders: async () => [null] });
      }
    }
  }
  return list;
}
