/**
 * @nocobase/test's agent forwards supertest's request methods (tests set headers such as X-Locale with
 * `agent.set(…)`), but its declared type does not say so. (The path is the ESM declarations the type check
 * resolves `@nocobase/test` to.)
 */
import '../node_modules/@nocobase/test/es/server/mock-server';

declare module '../node_modules/@nocobase/test/es/server/mock-server' {
  interface ExtendedAgent {
    set(field: string, value: string): ExtendedAgent;
  }
}
