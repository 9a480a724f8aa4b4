import type { Application } from '@nocobase/server';

// The suite's field titles are `{{t("Title", { ns: "@deputy/…" })}}` templates; NocoBase's error handler only
// understands `{{t("Title")}}` and would show the template itself ("{{t(&quot;Period&quot; …)}} 字段值已存在").
const TITLE = /{{\s*t\(\s*(['"`])([^'"`]+)\1\s*,\s*{\s*ns:\s*(['"`])([^'"`]+)\3\s*}\s*\)\s*}}/;

const isFieldError = (err: any) => err?.errors?.length && ['SequelizeValidationError', 'SequelizeUniqueConstraintError'].includes(err.name);

/**
 * Renders validation and uniqueness errors on the suite's fields with the field's translated title, in
 * the caller's language (e.g. "周期 字段值已存在" / "Period already exists"). Other errors keep NocoBase's own handling.
 */
export function translateFieldErrors(app: Application) {
  const plugin: any = app.pm.get('error-handler');
  const handlers: any[] | undefined = plugin?.errorHandler?.handlers;
  if (!handlers) return;
  const titleOf = (item: any) => {
    const collection = item?.instance ? app.db.modelCollection.get(item.instance.constructor) : null;
    const title = collection?.getField(item.path)?.options?.uiSchema?.title;
    return typeof title === 'string' ? TITLE.exec(title) : null;
  };
  handlers.unshift({
    guard: (err: any) => isFieldError(err) && err.errors.some((item: any) => titleOf(item)),
    render: (err: any, ctx: any) => {
      ctx.status = 400;
      ctx.body = {
        errors: err.errors.map((item: any) => {
          const parsed = titleOf(item);
          const field = parsed ? ctx.t(parsed[2], { ns: parsed[4] }) : item.path;
          return { message: ctx.t(item.type, { ns: 'error-handler', field }) };
        }),
      };
    },
  });
}
