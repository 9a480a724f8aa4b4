/**
 * An activity's QR card (联络站活动 → 签到二维码) holds `<site>/admin?signIn=CODE`. NocoBase sends /admin on to the
 * user's first page and drops the query on the way (and a deputy not signed in yet goes through /signin?redirect=…),
 * so the code is kept here, when the app loads, for the 活动签到 tile of the deputy's home, which fills it in.
 */
export const SIGN_IN_CODE_KEY = 'deputy:activitySignInCode';

/** The code of a scanned QR card in `href` (directly, or in the sign-in page's redirect), if any. */
export function scannedSignInCode(href: string): string | undefined {
  const url = new URL(href);
  const redirect = url.searchParams.get('redirect');
  const code = url.searchParams.get('signIn') ?? (redirect ? new URL(redirect, url).searchParams.get('signIn') : null);
  return code && /^[A-Za-z0-9]{4,16}$/.test(code) ? code.toUpperCase() : undefined;
}

export function keepScannedSignInCode() {
  if (typeof window === 'undefined') return;
  const code = scannedSignInCode(window.location.href);
  if (code) window.sessionStorage.setItem(SIGN_IN_CODE_KEY, code);
}
