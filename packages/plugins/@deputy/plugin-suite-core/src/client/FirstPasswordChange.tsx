import { useAPIClient } from '@nocobase/client';
import { Alert, Button, Form, Input, Modal } from 'antd';
import React, { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';

/** What auth:check says of the signed-in user that matters here. */
type SignedInUser = { username?: string; phone?: string; email?: string; mustChangePassword?: boolean };
type ChangeValues = { oldPassword: string; newPassword: string; confirmPassword: string };

/**
 * An account created with an initial password (代表账号, 初始密码) must choose its own before anything else:
 * a dialog that cannot be dismissed, over every page, until the password is changed. Then the user is signed in
 * again with the new password (NocoBase ends the old session when a password changes) and taken back to the
 * page she was on, so nothing typed afterwards is lost to a refused save or a sign-in page.
 */
export function FirstPasswordChange({ children, t }: { children?: ReactNode; t: (key: string) => string }) {
  const api = useAPIClient();
  const [user, setUser] = useState<SignedInUser | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const checkedToken = useRef<string | undefined>(undefined);

  const check = useCallback(() => {
    const token = api.auth.token;
    if (token === checkedToken.current) return;
    checkedToken.current = token;
    if (!token) return setUser(null);
    api
      .request({ url: 'auth:check', skipNotify: true, skipAuth: true })
      .then((res: { data?: { data?: SignedInUser } }) => {
        const current = res.data?.data;
        setUser(current?.mustChangePassword ? current : null);
      })
      .catch(() => setUser(null));
  }, [api]);

  useEffect(() => {
    check();
    // Signing in sets a new token: the first request that carries it checks the new user.
    const id = api.axios.interceptors.request.use((config: unknown) => {
      setTimeout(check);
      return config;
    });
    return () => api.axios.interceptors.request.eject(id);
  }, [api, check]);

  const submit = async (values: ChangeValues) => {
    setSaving(true);
    setError(undefined);
    // Where she was: NocoBase sends a session whose password changed to the sign-in page meanwhile.
    const back = window.location.pathname.startsWith('/signin') ? '/admin' : window.location.href;
    try {
      await api.request({ url: 'auth:changePassword', method: 'post', data: values, skipNotify: true });
      const account = user?.username || user?.phone || user?.email;
      // NocoBase refuses a token issued in the same second as the password change (token times are seconds).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await api.auth.signIn({ account, password: values.newPassword });
      window.location.replace(back);
    } catch (e: unknown) {
      const answer = (e as { response?: { data?: { errors?: { message?: string }[] } } })?.response?.data;
      setError(answer?.errors?.[0]?.message ?? t('The password could not be changed; try again'));
      setSaving(false);
    }
  };

  // While the password must change, the page behind is not rendered: nothing can be typed there, and nothing
  // it would load fails with the old session's 401 in the second before she is signed in again.
  if (!user) return <>{children}</>;
  return (
    <>
      <Modal
        open
        title={t('Choose your own password')}
        closable={false}
        maskClosable={false}
        keyboard={false}
        footer={null}
        destroyOnClose
      >
        <p>{t('Your account has an initial password. Choose your own before you continue.')}</p>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="oldPassword"
            label={t('Initial password')}
            rules={[{ required: true, message: t('Enter the initial password') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('New password')}
            extra={t('Letters and digits, at least as long as your office asks (8 characters unless changed)')}
            rules={[{ required: true, message: t('Enter a new password') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirmPassword"
            label={t('New password again')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('Enter the new password again') },
              ({ getFieldValue }) => ({
                validator: (_rule: unknown, value: string) =>
                  !value || value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('The two passwords differ'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saving} block size="large">
            {t('Save the new password')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
