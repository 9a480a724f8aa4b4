import { BlockModel } from '@nocobase/client';
import type { APIClient } from '@nocobase/sdk';
import type { AxiosError } from 'axios';
import { Alert, DatePicker, List, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import React, { useEffect, useState } from 'react';
import { tExpr, useT } from '../locale';

type Cell = { status: string; count: number; required: number; periodKey: string; exemptReason: string | null };
type Row = {
  deputyId?: number;
  stationId?: number;
  name: string;
  station?: string | null;
  cells: Record<number, Cell>;
};
type ApiErrors = { errors?: { message?: string }[] };
type Matrix = {
  period: string;
  rules: { id: number; code: string; name: string; nameEn?: string; subject: string }[];
  deputies: Row[];
  stations: Row[];
};

const COLORS: Record<string, string> = { met: 'green', missed: 'red', 'in-progress': 'blue', exempt: 'default' };
const LABELS: Record<string, string> = { met: 'Met', missed: 'Missed', 'in-progress': 'In progress', exempt: 'Exempt' };

/** One coloured cell: status, count / required, the period it is about, and why exempt. */
function StatusCell({ cell }: { cell?: Cell }) {
  const t = useT();
  if (!cell) return <span>-</span>;
  return (
    <Tooltip
      title={`${cell.periodKey}${cell.exemptReason ? ` · ${t(cell.exemptReason === 'leave' ? 'On approved leave' : cell.exemptReason === 'joined' ? 'Elected during the period' : 'Left office during the period')}` : ''}`}
    >
      <Tag color={COLORS[cell.status]} data-status={cell.status}>
        {t(LABELS[cell.status] ?? cell.status)} {cell.status === 'exempt' ? '' : `${cell.count}/${cell.required}`}
      </Tag>
    </Tooltip>
  );
}

function ComplianceMatrix({ api }: { api: APIClient }) {
  const t = useT();
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const [stationId, setStationId] = useState<number | undefined>();
  const [stations, setStations] = useState<{ value: number; label: string }[]>([]);
  // The stations the user may see (administrators: all; staff: theirs), for the station filter.
  useEffect(() => {
    api
      .request<{ data?: { id: number; name: string }[] }>({
        url: 'liaisonStations:list',
        params: { paginate: false, fields: ['id', 'name'], sort: ['id'] },
        skipNotify: true,
      })
      .then((res) => setStations((res.data?.data ?? []).map((s) => ({ value: s.id, label: s.name }))))
      .catch(() => setStations([]));
  }, [api]);
  const [state, setState] = useState<{ loading: boolean; data?: Matrix; error?: string }>({ loading: true });
  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    api
      .request<{ data?: Matrix }>({
        url: 'ruleResults:matrix',
        params: { period: month, ...(stationId ? { stationId } : {}) },
        skipNotify: true,
      })
      .then((res) => !cancelled && setState({ loading: false, data: res.data?.data }))
      .catch(
        (e: AxiosError<ApiErrors>) =>
          !cancelled && setState({ loading: false, error: e?.response?.data?.errors?.[0]?.message ?? e?.message }),
      );
    return () => {
      cancelled = true;
    };
  }, [api, month, stationId]);
  const rules = state.data?.rules ?? [];
  // The rule's name in the user's language (the seeded rules carry an English name), never the bare code alone.
  const nameOf = (r: Matrix['rules'][number]) => (api.auth?.locale?.startsWith('en') && r.nameEn) || r.name;
  const deputies = state.data?.deputies ?? [];
  const stationRows = state.data?.stations ?? [];
  // A deputy sees its own row only: on a phone a list of the rules reads better than a one-row table.
  const ownRow = deputies.length === 1 && stationRows.length === 0 ? deputies[0] : undefined;
  const columns = (subject: string) => [
    { title: subject === 'deputy' ? t('Deputy') : t('Liaison station'), dataIndex: 'name', fixed: 'left' as const },
    ...(subject === 'deputy' ? [{ title: t('Liaison station'), dataIndex: 'station' }] : []),
    ...rules
      .filter((r) => r.subject === subject)
      .map((r) => ({
        title: (
          <Tooltip title={nameOf(r)}>
            <div style={{ lineHeight: 1.3 }}>
              <div>{r.code}</div>
              <Typography.Text
                type="secondary"
                style={{ fontSize: 12, fontWeight: 'normal', display: 'block', maxWidth: 120 }}
              >
                {nameOf(r)}
              </Typography.Text>
            </div>
          </Tooltip>
        ),
        key: String(r.id),
        render: (_: unknown, row: Row) => <StatusCell cell={row.cells[r.id]} />,
      })),
  ];
  return (
    <div data-testid="deputy-compliance-matrix">
      <Space style={{ marginBottom: 12 }} wrap>
        <span>{t('Month')}</span>
        <DatePicker
          picker="month"
          allowClear={false}
          value={dayjs(`${month}-01`)}
          onChange={(v) => v && setMonth(v.format('YYYY-MM'))}
        />
        {stations.length > 1 && (
          <Select
            data-testid="deputy-compliance-matrix-station"
            allowClear
            style={{ minWidth: 180 }}
            placeholder={t('All stations')}
            options={stations}
            value={stationId}
            onChange={(v) => setStationId(v ?? undefined)}
          />
        )}
      </Space>
      {state.error && <Alert type="error" showIcon message={state.error} />}
      <Spin spinning={state.loading}>
        {ownRow ? (
          <List
            data-testid="deputy-compliance-list"
            header={<Typography.Text strong>{ownRow.name}</Typography.Text>}
            dataSource={rules.filter((r) => r.subject === 'deputy')}
            renderItem={(r) => (
              <List.Item extra={<StatusCell cell={ownRow.cells[r.id]} />}>
                <List.Item.Meta title={nameOf(r)} description={r.code} />
              </List.Item>
            )}
          />
        ) : (
          <Table
            size="small"
            rowKey="deputyId"
            pagination={{ pageSize: 50 }}
            scroll={{ x: true }}
            columns={columns('deputy')}
            dataSource={deputies}
          />
        )}
        {(state.data?.stations ?? []).length > 0 && (
          <Table
            size="small"
            rowKey="stationId"
            pagination={false}
            scroll={{ x: true }}
            columns={columns('station')}
            dataSource={state.data?.stations ?? []}
            style={{ marginTop: 16 }}
          />
        )}
      </Spin>
    </div>
  );
}

/** 六个一达标矩阵: deputies × rules for a month (with its quarter, year, term and standing rules), and the station view. */
export class ComplianceMatrixBlockModel extends BlockModel {
  renderComponent() {
    return <ComplianceMatrix api={this.context.api} />;
  }
}

ComplianceMatrixBlockModel.define({ label: tExpr('Compliance matrix') });
