type Board = Awaited<ReturnType<import('./publication').Publication['board']>>;

const escape = (value: unknown) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/**
 * The 阳光栏 board as a self-contained HTML page sized for A4 (portrait, one table per period, the header
 * repeated on each printed page). It carries only what the public board API returns: published periods,
 * names and the columns the settings allow. Every value is escaped.
 */
export function boardPage(
  board: Board,
  options: { heading: string; station?: string; lang: string; t: (key: string) => string },
) {
  const { t } = options;
  const columns = (row: Record<string, unknown>) => ['total', 'grade', 'rank'].filter((c) => c in row);
  const label: Record<string, string> = { total: t('Total points'), grade: t('Grade'), rank: t('Rank') };
  const sections = board.map((period) => {
    const shown = period.rows.length ? columns(period.rows[0]) : [];
    const head = [t('No.'), t('Deputy'), t('Liaison station'), ...shown.map((c) => label[c])];
    const body = period.rows
      .map(
        (row, i) =>
          `<tr><td>${i + 1}</td><td>${escape(row.name)}</td><td>${escape(row.station)}</td>${shown.map((c) => `<td>${escape(row[c])}</td>`).join('')}</tr>`,
      )
      .join('\n');
    return `<section>
<h2>${escape(period.title)}</h2>
<p class="meta">${escape(t('Published on'))} ${escape(period.publishedOn)} · ${escape(t('Published version'))} ${escape(period.version)}</p>
<table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>
<tbody>
${body || `<tr><td colspan="${head.length}">${escape(t('No deputies'))}</td></tr>`}
</tbody></table>
</section>`;
  });
  return `<!doctype html>
<html lang="${escape(options.lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(options.heading)}</title>
<style>
@page { size: A4 portrait; margin: 15mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #111; margin: 0 auto; max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 20pt; text-align: center; margin: 0 0 2mm; }
.station { text-align: center; font-size: 12pt; margin: 0 0 6mm; }
h2 { font-size: 14pt; margin: 6mm 0 1mm; }
.meta { font-size: 9pt; color: #555; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; font-size: 10.5pt; }
th, td { border: 0.3mm solid #333; padding: 1.5mm 2mm; text-align: center; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
section { page-break-after: always; }
section:last-of-type { page-break-after: auto; }
.print { position: fixed; top: 4mm; right: 4mm; }
@media print { .print { display: none; } body { padding: 0; } }
</style></head>
<body>
<button class="print" onclick="window.print()">${escape(t('Print'))}</button>
<h1>${escape(options.heading)}</h1>
${options.station ? `<p class="station">${escape(options.station)}</p>` : ''}
${sections.join('\n') || `<p>${escape(t('Nothing has been published yet'))}</p>`}
</body></html>`;
}
