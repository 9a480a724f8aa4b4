import { Plugin } from '@nocobase/server';
import type { Application } from '@nocobase/server';
import enUS from '../locale/en-US.json';
import zhCN from '../locale/zh-CN.json';
import { auditChanges } from './audit/audit-trail';
import { WorkCalendar, shanghaiToday } from './calendar/work-calendar';
import { translateFieldErrors } from './errors/field-error-messages';
import { protectFromDeletion, registerInCollectionManager } from './fields/collection-registration';
import { NS } from './fields/field-builders';
import { validateFields } from './fields/field-validation';
import { answerDatabaseOutages } from './infrastructure/database-outage';
import { applyDeploymentDefaults } from './infrastructure/deployment-defaults';
import { protectSignIn } from './infrastructure/sign-in-protection';
import { trustProxy } from './infrastructure/trust-proxy';
import { Notifier } from './notifications/notifier';
import { guardFileAccess } from './security/file-access';
import { answerMalformedRequests } from './security/malformed-requests';
import { registerReadGuard } from './security/read-guard';
import { refuseOutOfScopeWrites } from './security/scope-guard';
import { keepComputed, refuseDirectCreates } from './security/system-data-guard';
import { registerWriteGuard } from './security/write-guard';

/** The core's collections shown in the collection manager (suitePages, the page installer's bookkeeping, is not). */
export const CORE_COLLECTIONS = ['workCalendarDays', 'auditTrail', 'reminderLog', 'scheduledJobRuns'];

/**
 * The suite's core: what every plugin of the suite shares, registered once for the app — the permission model
 * (read guard, write guard, file access), answers to malformed requests and database outages, sign-in
 * protection, the proxy setting, and the shared services (work calendar, notifier) the domain plugins reach
 * through `suiteCore(app)`. The domain plugins list it in their peerDependencies, so NocoBase loads it first.
 */
export class PluginSuiteCoreServer extends Plugin {
  get calendar() {
    return suiteCore(this.app).calendar;
  }

  get notifier() {
    return suiteCore(this.app).notifier;
  }

  async load() {
    // Behind nginx: the client's address from X-Forwarded-For when APP_TRUST_PROXY says so (README).
    trustProxy(this.app);
    // What every request to a suite collection obeys, whoever calls (README, Security).
    registerReadGuard(this.app);
    registerWriteGuard(this.app);
    guardFileAccess(this.app);
    answerMalformedRequests(this.app);
    answerDatabaseOutages(this.app);
    protectSignIn(this.app, NS);
    // NocoBase ends a session whose password changed with this message in its "auth" namespace, which has no
    // zh-CN text (only the client's namespace has one).
    this.app.i18n.addResources('zh-CN', 'auth', {
      'User password changed, please signin again.': '密码已修改，请用新密码重新登录。',
    });
    translateFieldErrors(this.app);
    protectFromDeletion(this.app, this.db, CORE_COLLECTIONS);
    refuseOutOfScopeWrites(this.app, CORE_COLLECTIONS);
    validateFields(this.app, this.db, ['workCalendarDays']);
    refuseDirectCreates(this.app, ['auditTrail', 'reminderLog'], NS);
    // Written by the jobs themselves; nobody creates, edits or deletes a run.
    keepComputed(this.app, ['scheduledJobRuns'], NS);
    auditChanges(this.db, { workCalendarDays: {} });
  }

  async install() {
    await this.ensureDefaults();
    // Only on a first install of the suite: an instance upgraded from a release before the core keeps the
    // settings its administrator owns since then.
    const upgrading = await this.app.pm.repository.findOne({
      filter: { packageName: '@deputy/plugin-deputies', installed: true },
    });
    if (!upgrading)
      await applyDeploymentDefaults(this.db, {
        'zh-CN': zhCN['Deputy duty performance'],
        'en-US': enUS['Deputy duty performance'],
      });
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** Idempotent: registers the core's collections, this year's holidays and the reminder channel when missing. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, CORE_COLLECTIONS);
    // This year's and next year's statutory holidays, where published; never overwrites an administrator's days.
    const year = Number(shanghaiToday().slice(0, 4));
    await this.calendar.seedStatutory([year - 1, year, year + 1]);
    await this.notifier.ensureChannel();
  }
}

/** The shared services every plugin of the suite uses: stateless wrappers over the app's database. */
export type SuiteCoreServices = { calendar: WorkCalendar; notifier: Notifier };

const SERVICES = Symbol.for('deputy.suiteCoreServices');

/**
 * The app's shared services, made on first use. They do not depend on the core plugin having loaded, so a
 * domain plugin loads even while the core is being enabled on an instance upgraded from a release before it.
 */
export function suiteCore(app: Application): SuiteCoreServices {
  const holder = app as Application & { [SERVICES]?: SuiteCoreServices };
  holder[SERVICES] ??= { calendar: new WorkCalendar(app.db), notifier: new Notifier(app) };
  return holder[SERVICES];
}

export default PluginSuiteCoreServer;
