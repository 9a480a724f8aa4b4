/**
 * No "未认证。请登录以继续。" toast for someone who has not signed in yet. On the sign-in page (and on an admin page
 * opened signed out, as from a scanned activity card) NocoBase's AI plugin asks for its employees and unread
 * counts without a token, the server refuses with EMPTY_TOKEN, and the client shows the refusal in red over the
 * sign-in form before anything was typed. Only those refusals are kept quiet: a request sent with no token at all;
 * a wrong password, an expired session or any other error is shown as before.
 */
type AxiosLike = {
  interceptors: { request: { use(onFulfilled: (config: RequestConfig) => RequestConfig): unknown } };
};
type RequestConfig = { skipNotify?: boolean | ((error: unknown) => boolean) };
type Refusal = { response?: { status?: number; data?: { errors?: { code?: string }[] } } };

export const isSignedOutRefusal = (error: unknown) => {
  const response = (error as Refusal | undefined)?.response;
  return response?.status === 401 && (response.data?.errors ?? []).some((e) => e?.code === 'EMPTY_TOKEN');
};

export function quietSignedOutRefusals(axios: AxiosLike | undefined) {
  axios?.interceptors.request.use((config) => {
    // A request that chose for itself (skipNotify set) keeps its choice.
    if (config.skipNotify === undefined) config.skipNotify = isSignedOutRefusal;
    return config;
  });
}
