import { BlockModel } from '@nocobase/client';
import type { APIClient } from '@nocobase/sdk';
import type { AxiosError } from 'axios';
import { Alert, Empty, Progress, Space, Spin, Statistic, Table, Tag } from 'antd';
import React, { useEffect, useState } from 'react';
import { tExpr, useT } from '../locale';

type Summary = {
  households: { total: number; byCategory: { categoryId: number; name: string; households: number }[] };
  visits: { count: number; personTimes: number };
  outcomes: {
    legalAidCases: number;
    reliefYuan: string;
    donationYuan: string;
    flats: number;
    jobs: number;
    medicalReferrals: number;
    schoolReferrals: number;
  };
  coverage: { households: number; currentPlanShare: number | null; visitInTimeShare: number | null };
};
type Overdue = {
  pairingId: number;
  deputyName: string;
  headName: string;
  category: string;
  lastVisit: string | null;
  overdueDays: number;
};

const percent = (share: number | null) => Math.round((share ?? 0) * 100);

/**
 * The figures of the viewer's reach (a deputy its own, station staff their stations, administrators the
 * jurisdiction) for this year, and the pairings whose visit is overdue. Both come from aidKpi actions,
 * which apply the viewer's permissions.
 */
function AidKpi({ api }: { api: APIClient }) {
  const t = useT();
  const [state, setState] = useState<{
    loading: boolean;
    data?: Summary;
    overdue?: Overdue[];
    error?: string;
    none?: boolean;
  }>({ loading: true });
  useEffect(() => {
    let cancelled = false;
    Promise.all([
      api.request<{ data?: Summary }>({
        url: 'aidKpi:summary',
        params: { period: String(new Date().getFullYear()) },
        skipNotify: true,
      }),
      api.request<{ data?: Overdue[] }>({ url: 'aidKpi:overdue', skipNotify: true }),
    ])
      .then(
        ([summary, overdue]) =>
          !cancelled && setState({ loading: false, data: summary.data?.data, overdue: overdue.data?.data ?? [] }),
      )
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
  return (
    <Spin spinning={state.loading}>
      <div data-testid="aid-kpi">
        <Space size="large" wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('Households')} value={d?.households.total ?? 0} />
          <Statistic title={t('Visits (person-times)')} value={d?.visits.personTimes ?? 0} />
          <Statistic title={t('Legal-aid cases')} value={d?.outcomes.legalAidCases ?? 0} />
          <Statistic title={t('Relief (yuan)')} value={d?.outcomes.reliefYuan ?? '0.00'} />
          <Statistic title={t('Donations (yuan)')} value={d?.outcomes.donationYuan ?? '0.00'} />
          <Statistic title={t('Flats')} value={d?.outcomes.flats ?? 0} />
          <Statistic title={t('Jobs')} value={d?.outcomes.jobs ?? 0} />
          <Statistic title={t('Medical referrals')} value={d?.outcomes.medicalReferrals ?? 0} />
          <Statistic title={t('School referrals')} value={d?.outcomes.schoolReferrals ?? 0} />
        </Space>
        <Space size="large" wrap style={{ marginBottom: 16 }}>
          <span>
            {t('With a current plan')}{' '}
            <Progress type="circle" size={56} percent={percent(d?.coverage.currentPlanShare ?? null)} />
          </span>
          <span>
            {t('Visited in time')}{' '}
            <Progress type="circle" size={56} percent={percent(d?.coverage.visitInTimeShare ?? null)} />
          </span>
          {(d?.households.byCategory ?? []).map((c) => (
            <Tag key={c.categoryId}>
              {c.name} {c.households}
            </Tag>
          ))}
        </Space>
        <h4>{t('Overdue visits')}</h4>
        {(state.overdue ?? []).length === 0 && !state.loading ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Table
            size="small"
            rowKey="pairingId"
            pagination={false}
            scroll={{ x: true }}
            dataSource={state.overdue ?? []}
            columns={[
              { title: t('Deputy'), dataIndex: 'deputyName' },
              { title: t('Head of household'), dataIndex: 'headName' },
              { title: t('Category'), dataIndex: 'category' },
              { title: t('Last visit'), dataIndex: 'lastVisit', render: (v: string | null) => v ?? '-' },
              { title: t('Days overdue'), dataIndex: 'overdueDays', render: (n: number) => <Tag color="red">{n}</Tag> },
            ]}
          />
        )}
      </div>
    </Spin>
  );
}

/** 结对帮扶指标: this year's 1+N figures in the viewer's reach and the overdue visits; can be placed on any page. */
export class AidKpiBlockModel extends BlockModel {
  renderComponent() {
    return <AidKpi api={this.context.api} />;
  }
}

AidKpiBlockModel.define({ label: tExpr('Pairing assistance KPIs') });
