import { BlockModel } from '@nocobase/client';
import type { APIClient } from '@nocobase/sdk';
import { Alert, Empty, Space, Spin, Statistic, Table, Tag } from 'antd';
import React, { useEffect, useState } from 'react';
import { tExpr, useT } from '../locale';

type Station = { id: number; name: string; town?: string; receptionDays?: number[]; deputyCount: number };

/** Loads stations and active deputies through the ordinary list actions, so the viewer's ACL applies. */
function useStationOverview(api: APIClient) {
  const [state, setState] = useState<{ loading: boolean; error?: string; stations: Station[] }>({
    loading: true,
    stations: [],
  });
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const [stations, deputies] = await Promise.all([
          api.request<{ data?: Omit<Station, 'deputyCount'>[] }>({
            url: 'liaisonStations:list',
            params: { pageSize: 500, sort: ['name'] },
          }),
          api.request<{ data?: { id: number; stationId: number }[] }>({
            url: 'deputies:list',
            params: { pageSize: 5000, fields: ['id', 'stationId'], filter: { status: 'active' } },
          }),
        ]);
        const perStation = new Map<number, number>();
        for (const d of deputies.data?.data ?? []) perStation.set(d.stationId, (perStation.get(d.stationId) ?? 0) + 1);
        const rows = (stations.data?.data ?? []).map((s) => ({ ...s, deputyCount: perStation.get(s.id) ?? 0 }));
        if (!cancelled) setState({ loading: false, stations: rows });
      } catch (e: unknown) {
        if (!cancelled)
          setState({ loading: false, stations: [], error: (e as Error | undefined)?.message ?? String(e) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api]);
  return state;
}

function StationOverview({ api }: { api: APIClient }) {
  const t = useT();
  const { loading, error, stations } = useStationOverview(api);
  if (error) return <Alert type="error" showIcon message={t('Failed to load stations')} description={error} />;
  const deputies = stations.reduce((sum, s) => sum + s.deputyCount, 0);
  return (
    // The block frame (card, title, settings) comes from BlockModel; this is only its content.
    <Spin spinning={loading}>
      <div data-testid="deputy-station-overview">
        <Space size="large" style={{ marginBottom: 16 }}>
          <Statistic title={t('Stations')} value={stations.length} />
          <Statistic title={t('Active deputies')} value={deputies} />
        </Space>
        {stations.length === 0 && !loading ? (
          <Empty description={t('No liaison station yet')} />
        ) : (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={stations}
            columns={[
              { title: t('Station name'), dataIndex: 'name' },
              { title: t('Town or street'), dataIndex: 'town' },
              { title: t('Active deputies'), dataIndex: 'deputyCount' },
              {
                title: t('Reception days'),
                dataIndex: 'receptionDays',
                render: (days: number[] = []) => [...days].sort((a, b) => a - b).map((d) => <Tag key={d}>{d}</Tag>),
              },
            ]}
          />
        )}
      </div>
    </Spin>
  );
}

/** 联络站概览: stations with their active deputies and reception days; can be placed on any page. */
export class StationOverviewBlockModel extends BlockModel {
  renderComponent() {
    return <StationOverview api={this.context.api} />;
  }
}

StationOverviewBlockModel.define({
  label: tExpr('Station overview'),
});
