import type { Context } from '@nocobase/actions';
import type PluginErrorHandlerServer from '@nocobase/plugin-error-handler';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import type { ValidationError, ValidationErrorItem } from 'sequelize';

// The suite's field titles are `{{t("Title", { ns: "@deputy/…" })}}` templates; NocoBase's error handler only
// understands `{{t("Title")}}` and would show the template itself ("{{t(&quot;Period&quot; …)}} 字段值已存在").
const TITLE = /{{\s*t\(\s*(['"`])([^'"`]+)\1\s*,\s*{\s*ns:\s*(['"`])([^'"`]+)\3\s*}\s*\)\s*}}/;

const isFieldError = (err: ValidationError | undefined) =>
  err?.errors?.length && ['SequelizeValidationError', 'SequelizeUniqueConstraintError'].includes(err.name);

/**
 * Renders validation and uniqueness errors on the suite's fields with the field's translated title, in
 * the caller's language (e.g. "周期 字段值已存在" / "Period already exists"). Other errors keep NocoBase's own handling.
 */
export function translateFieldErrors(app: Application) {
  const plugin = app.pm.get('error-handler') as PluginErrorHandlerServer | undefined;
  const handlers: PluginErrorHandlerServer['errorHandler']['handlers'] | undefined = plugin?.errorHandler?.handlers;
  if (!handlers) return;
  const titleOf = (item: ValidationErrorItem | undefined) => {
    const collection = item?.instance ? app.db.modelCollection.get(item.instance.constructor as typeof Model) : null;
    const title = collection?.getField(item.path)?.options?.uiSchema?.title;
    return typeof title === 'string' ? TITLE.exec(title) : null;
  };
  handlers.unshift({
    guard: (err: ValidationError | undefined) => isFieldError(err) && err.errors.some((item) => titleOf(item)),
    render: (err: ValidationError, ctx: Context) => {
      ctx.status = 400;
      ctx.body = {
        errors: err.errors.map((item) => {
          const parsed = titleOf(item);
          const field = parsed ? ctx.t(parsed[2], { ns: parsed[4] }) : item.path;
          return { message: ctx.t(item.type, { ns: 'error-handler', field }) };
        }),
      };
    },
  });
}
