import { BlockModel } from '@nocobase/client';
import type { APIClient } from '@nocobase/sdk';
import type { AxiosError } from 'axios';
import { Alert, Empty, Progress, Space, Spin, Statistic, Table, Tag } from 'antd';
import React, { useEffect, useState } from 'react';
import { tExpr, useT } from '../locale';

type Summary = {
  year: number;
  score: { total: number; rank: number; stationRank: number; grade: string | null } | null;
  items: {
    itemId: number;
    code: string;
    name: string;
    points: number;
    yearlyCap: number | null;
    posted: number;
    capLeft: number | null;
  }[];
};

function MyPoints({ api }: { api: APIClient }) {
  const t = useT();
  const [state, setState] = useState<{ loading: boolean; data?: Summary; error?: string; notDeputy?: boolean }>({
    loading: true,
  });
  useEffect(() => {
    let cancelled = false;
    api
      .request<{ data?: Summary }>({
        url: 'dutyScores:mine',
        params: { year: new Date().getFullYear() },
        skipNotify: true,
      })
      .then((res) => !cancelled && setState({ loading: false, data: res.data?.data }))
      .catch(
        (e: AxiosError) =>
          !cancelled && setState({ loading: false, notDeputy: e?.response?.status === 404, error: e?.message }),
      );
    return () => {
      cancelled = true;
    };
  }, [api]);
  if (state.notDeputy) return <Empty description={t('Your account is not linked to a deputy')} />;
  if (state.error)
    return <Alert type="error" showIcon message={t('Failed to load your points')} description={state.error} />;
  const score = state.data?.score;
  return (
    <Spin spinning={state.loading}>
      <div data-testid="deputy-my-points">
        <Space size="large" wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('Points this year')} value={score?.total ?? 0} />
          <Statistic title={t('Rank')} value={score?.rank ?? '-'} />
          <Statistic title={t('Rank in station')} value={score?.stationRank ?? '-'} />
          <Statistic title={t('Grade')} value={score?.grade ?? '-'} />
        </Space>
        <Table
          size="small"
          rowKey="itemId"
          pagination={false}
          scroll={{ x: true }}
          dataSource={(state.data?.items ?? []).filter((i) => i.points > 0 || i.posted !== 0)}
          columns={[
            {
              title: t('Duty item'),
              dataIndex: 'name',
              render: (name: string, i) => (
                <span>
                  <Tag>{i.code}</Tag>
                  {name}
                </span>
              ),
            },
            { title: t('Points per occurrence'), dataIndex: 'points' },
            { title: t('Points'), dataIndex: 'posted' },
            {
              title: t('Cap left'),
              dataIndex: 'capLeft',
              render: (left: number | null, i) =>
                i.yearlyCap ? (
                  <Progress
                    size="small"
                    percent={Math.round(((i.yearlyCap - (left ?? 0)) / i.yearlyCap) * 100)}
                    format={() => `${left}`}
                  />
                ) : (
                  '-'
                ),
            },
          ]}
        />
      </div>
    </Spin>
  );
}

/** 我的积分: the signed-in deputy's points, ranks and grade this year, and the cap left per item. */
export class MyPointsBlockModel extends BlockModel {
  renderComponent() {
    return <MyPoints api={this.context.api} />;
  }
}

MyPointsBlockModel.define({ label: tExpr('My points') });
