import QRCode from 'qrcode';
import { escapeHtml } from './form-page';

/** One "三亮" card: who (亮身份), what it does (亮职责), what it promises (亮承诺), and the QR code of its form. */
export type Card = {
  kind: 'deputy' | 'station';
  name: string;
  identity: string[];
  duties: string[];
  pledge: string;
  photoUrl: string | null;
  formUrl: string;
};

type Texts = {
  heading: string;
  identity: string;
  duties: string;
  pledge: string;
  scan: string;
  print: string;
  none: string;
};

/** The QR code of a URL as inline SVG (no image files, prints sharp at any size). */
export const qrSvg = (url: string) => QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });

/**
 * The cards as one self-contained page sized for A4 (four cards a sheet, none split across sheets), for the
 * 公示栏 of a station or a deputy's door. Every value is escaped; the only markup not written here is the SVG
 * the qrcode library draws from the form's URL.
 */
export async function cardsPage(cards: Card[], options: { lang: string; t: Texts }) {
  const { t } = options;
  const list = (items: string[]) =>
    items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '';
  const sections = await Promise.all(
    cards.map(
      async (card) => `<article class="card ${card.kind}">
<header>${card.photoUrl ? `<img class="photo" src="${escapeHtml(card.photoUrl)}" alt="${escapeHtml(card.name)}">` : ''}<h2>${escapeHtml(card.name)}</h2></header>
<h3>${escapeHtml(t.identity)}</h3>${list(card.identity)}
<h3>${escapeHtml(t.duties)}</h3>${list(card.duties)}
<h3>${escapeHtml(t.pledge)}</h3><p class="pledge">${escapeHtml(card.pledge)}</p>
<figure class="qr" data-form-url="${escapeHtml(card.formUrl)}">${await qrSvg(card.formUrl)}<figcaption>${escapeHtml(t.scan)}</figcaption></figure>
</article>`,
    ),
  );
  return `<!doctype html>
<html lang="${escapeHtml(options.lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.heading)}</title>
<style>
@page { size: A4 portrait; margin: 10mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #111; margin: 0 auto; max-width: 190mm; padding: 6mm 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; }
.cards { display: flex; flex-wrap: wrap; gap: 4mm; justify-content: space-between; }
.card { box-sizing: border-box; width: 93mm; height: 132mm; border: 0.6mm solid #b71c1c; border-radius: 2mm; padding: 4mm; break-inside: avoid; page-break-inside: avoid; overflow: hidden; position: relative; }
.card header { display: flex; align-items: center; gap: 3mm; border-bottom: 0.4mm solid #b71c1c; margin-bottom: 2mm; }
.card h2 { font-size: 15pt; margin: 1mm 0 2mm; color: #b71c1c; }
.card h3 { font-size: 10pt; margin: 2mm 0 0.5mm; }
.card ul { margin: 0; padding-left: 5mm; font-size: 9pt; } .card .pledge { margin: 0; font-size: 9pt; }
.photo { width: 16mm; height: 20mm; object-fit: cover; }
.qr { position: absolute; right: 4mm; bottom: 3mm; margin: 0; width: 34mm; text-align: center; }
.qr svg { width: 34mm; height: 34mm; display: block; } .qr figcaption { font-size: 8pt; }
.print { position: fixed; top: 4mm; right: 4mm; }
@media print { .print { display: none; } body { padding: 0; } }
</style></head>
<body>
<button class="print" onclick="window.print()">${escapeHtml(t.print)}</button>
<h1>${escapeHtml(t.heading)}</h1>
<main class="cards">
${sections.join('\n') || `<p>${escapeHtml(t.none)}</p>`}
</main>
</body></html>`;
}
