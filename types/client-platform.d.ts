/**
 * The client side of the platform for the type check (`npm test`'s first stage). NocoBase ships its client
 * (@nocobase/client, flow-engine, antd, react, dayjs) inside the app's prebuilt bundle, not as npm packages this
 * project installs — the plugins' client code is bundled against the app's copies (scripts/build-plugins.js).
 * Installing them only for their types would add hundreds of megabytes to every first start, so here they are
 * untyped (React's hooks excepted): the client code is checked for everything but the platform's signatures.
 */
declare module '@nocobase/client';
declare module '@nocobase/flow-engine';
declare module 'antd';
declare module 'react' {
  // The hooks the suite's client code uses, typed so that their state keeps its type.
  const React: any;
  export default React;
  export function useState<T>(initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void];
  export function useState<T = undefined>(): [
    T | undefined,
    (next: T | undefined | ((previous: T | undefined) => T | undefined)) => void,
  ];
  export function useEffect(effect: () => void | (() => void), deps?: unknown[]): void;
  export function useCallback<T extends (...args: never[]) => unknown>(callback: T, deps: unknown[]): T;
  export function useRef<T>(initial: T): { current: T };
  export type ReactNode = unknown;
}
declare module 'dayjs';
