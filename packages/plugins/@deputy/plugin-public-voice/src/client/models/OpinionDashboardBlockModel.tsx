import { BlockModel } from '@nocobase/client';
import type { APIClient } from '@nocobase/sdk';
import type { AxiosError } from 'axios';
import { Alert, Button, Empty, Space, Spin, Statistic, Table, Tag } from 'antd';
import React, { useEffect, useState } from 'react';
import { tExpr, useT } from '../locale';

type Row = { open: number; overdue: number; name: string | null };
type Summary = {
  received: number;
  closed: number;
  closureRate: number | null;
  open: number;
  overdue: number;
  byClass: (Row & { classId: number | null })[];
  byStation: (Row & { stationId: number | null })[];
  averageDaysToClose: number | null;
  satisfaction: { ratings: number; average: number | null; satisfiedRate: number | null };
  mediation: { open: number; overdue: number };
};

/**
 * This year's opinions in the viewer's reach (a deputy its own, station staff their stations, administrators
 * the jurisdiction): closure rate, open and overdue by class and by station, time to close, satisfaction and
 * open mediation cases — from opinionStats:summary, which applies the viewer's permissions.
 */
function OpinionDashboard({ api }: { api: APIClient }) {
  const t = useT();
  const [state, setState] = useState<{ loading: boolean; data?: Summary; error?: string; none?: boolean }>({
    loading: true,
  });
  useEffect(() => {
    let cancelled = false;
    api
      .request<{ data?: Summary }>({
        url: 'opinionStats:summary',
        params: { period: String(new Date().getFullYear()) },
        skipNotify: true,
      })
      .then((res) => !cancelled && setState({ loading: false, data: res.data?.data }))
      .catch(
        (e: AxiosError) =>
          !cancelled && setState({ loading: false, none: e?.response?.status === 403, error: e?.message }),
      );
    return () => {
      cancelled = true;
    };
  }, [api]);
  if (state.none) return <Empty description={t('These figures are outside your permissions')} />;
  if (state.error)
    return <Alert type="error" showIcon message={t('Failed to load the figures')} description={state.error} />;
  const d = state.data;
  const none = (v: number | null | undefined, suffix = '') => (v === null || v === undefined ? '-' : `${v}${suffix}`);
  const columns = (first: string) => [
    { title: t(first), dataIndex: 'name', render: (v: string | null) => v ?? t('Not classified yet') },
    { title: t('Open'), dataIndex: 'open' },
    { title: t('Overdue'), dataIndex: 'overdue', render: (n: number) => (n ? <Tag color="red">{n}</Tag> : 0) },
  ];
  // The "三亮" QR cards in the viewer's reach (qrCards:print), a printable page. Fetched with the session in the
  // request's header and written into the window opened on the click (a popup must open synchronously), so the
  // token never rides in a URL (server logs, browser history, the Referer of the card's images).
  const printCards = async () => {
    const win = window.open('', '_blank');
    if (!win) return;
    try {
      const res = await api.request({
        url: 'qrCards:print',
        method: 'get',
        params: api.auth?.locale ? { locale: api.auth.locale } : {},
        responseType: 'text',
      });
      // Relative addresses (photos, the form's URL) resolve against the app, not the blank window.
      const html = String(res.data).replace(/<head>/i, `<head><base href="${window.location.origin}/">`);
      win.document.open();
      win.document.write(html);
      win.document.close();
      win.opener = null;
    } catch (e) {
      win.close();
      setState((s) => ({ ...s, error: (e as AxiosError)?.message ?? String(e) }));
    }
  };
  return (
    <Spin spinning={state.loading}>
      <div data-testid="opinion-dashboard">
        <div style={{ textAlign: 'right' }}>
          <Button data-testid="print-qr-cards" onClick={printCards}>
            {t('Print the QR cards')}
          </Button>
        </div>
        <Space size="large" wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('Received this year')} value={d?.received ?? 0} />
          <Statistic title={t('Closed')} value={d?.closed ?? 0} />
          <Statistic title={t('Closure rate')} value={none(d?.closureRate, '%')} />
          <Statistic title={t('Open')} value={d?.open ?? 0} />
          <Statistic
            title={t('Overdue')}
            value={d?.overdue ?? 0}
            valueStyle={d?.overdue ? { color: '#cf1322' } : undefined}
          />
          <Statistic title={t('Average days to close')} value={none(d?.averageDaysToClose)} />
          <Statistic title={t('Satisfaction (average stars)')} value={none(d?.satisfaction.average)} />
          <Statistic title={t('Satisfied (4–5 stars)')} value={none(d?.satisfaction.satisfiedRate, '%')} />
          <Statistic
            title={t('Open mediation cases')}
            value={d?.mediation.open ?? 0}
            suffix={d?.mediation.overdue ? <Tag color="red">{d.mediation.overdue}</Tag> : null}
          />
        </Space>
        <h4>{t('Open by class')}</h4>
        <Table
          size="small"
          rowKey={(r: Summary['byClass'][number]) => String(r.classId)}
          pagination={false}
          dataSource={d?.byClass ?? []}
          columns={columns('Class')}
        />
        <h4 style={{ marginTop: 16 }}>{t('Open by station')}</h4>
        <Table
          size="small"
          rowKey={(r: Summary['byStation'][number]) => String(r.stationId)}
          pagination={false}
          dataSource={d?.byStation ?? []}
          columns={columns('Liaison station')}
        />
      </div>
    </Spin>
  );
}

/** 意见建议办理情况: closure rate, open and overdue by class and station; can be placed on any page. */
export class OpinionDashboardBlockModel extends BlockModel {
  renderComponent() {
    return <OpinionDashboard api={this.context.api} />;
  }
}

OpinionDashboardBlockModel.define({ label: tExpr('Opinions handling dashboard') });
