import { OPINION_CATEGORIES } from '../collections/opinions';

export const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A value placed inside an inline script: JSON with the characters that could end the script escaped. */
const jsonForScript = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028|\u2029/g, '');

type Options = {
  token: string | null;
  target: { kind: string; deputy: string | null; station: string | null } | null;
  lang: string;
  t: (key: string, vars?: Record<string, unknown>) => string;
};

/**
 * The page a QR code opens (/api/opinions:form?token=…): the opinion form of that deputy or station and the
 * progress look-up by tracking code; without a token, the look-up only. Self-contained, for phones; every
 * value is escaped; it talks only to opinions:submit, opinions:track and opinions:rate.
 */
export function formPage({ token, target, lang, t }: Options) {
  const to = target ? [target.deputy, target.station].filter(Boolean).join(' · ') : '';
  const texts = {
    sent: t('Submitted. Keep your tracking code:'),
    failed: t('Could not submit'),
    status: t('Status'),
    answer: t('Answer'),
    rate: t('Rate the result'),
    thanks: t('Thank you for your rating'),
  };
  const form = token
    ? `<form id="opinion">
<p class="to">${escapeHtml(t('To'))}：${escapeHtml(to)}</p>
<label>${escapeHtml(t('Your name'))}<input name="name" maxlength="50" required></label>
<label>${escapeHtml(t('Phone (optional)'))}<input name="phone" type="tel" maxlength="20"></label>
<label>${escapeHtml(t('Category'))}<select name="category">${OPINION_CATEGORIES.map((c) => `<option value="${escapeHtml(c.value)}">${escapeHtml(t(c.label))}</option>`).join('')}</select></label>
<label>${escapeHtml(t('Your opinion or suggestion'))}<textarea name="content" maxlength="2000" rows="6" required></textarea></label>
<label>${escapeHtml(t('Photos (JPEG, PNG or WebP)'))}<input name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple></label>
<button type="submit">${escapeHtml(t('Submit'))}</button>
<p id="result" role="status"></p>
</form>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('Reach your deputy'))}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; max-width: 36rem; margin: 0 auto; padding: 1rem; color: #111; }
h1 { font-size: 1.4rem; } label { display: block; margin: .8rem 0; } input, select, textarea { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; padding: .4rem; margin-top: .2rem; }
button { font-size: 1rem; padding: .5rem 1.2rem; margin-top: .5rem; } .to { font-weight: bold; } ol { padding-left: 1.2rem; } .code { font-family: monospace; font-size: 1.3rem; }
</style></head>
<body>
<h1>${escapeHtml(t('Reach your deputy'))}</h1>
${form}
<h2>${escapeHtml(t('Track your opinion'))}</h2>
<form id="track"><label>${escapeHtml(t('Tracking code'))}<input name="code" maxlength="20" required></label><button type="submit">${escapeHtml(t('Look up'))}</button></form>
<div id="progress" role="status"></div>
<script>
(function () {
  var token = ${jsonForScript(token)};
  var T = ${jsonForScript(texts)};
  // "./": a bare "opinions:submit" would parse as a URL of the scheme "opinions:". The page's language goes along.
  var Q = '?locale=' + encodeURIComponent(${jsonForScript(lang)});
  function el(tag, text) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); return e; }
  function call(url, body) {
    return fetch(url, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error((j.errors && j.errors[0] && j.errors[0].message) || r.statusText); return j.data; });
    });
  }
  function read(file) { return new Promise(function (ok, ko) { var r = new FileReader(); r.onload = function () { ok({ name: file.name, data: r.result }); }; r.onerror = ko; r.readAsDataURL(file); }); }
  function show(data) {
    var box = document.getElementById('progress'); box.textContent = '';
    box.appendChild(el('p', T.status + '：' + data.statusText));
    var list = el('ol'); (data.milestones || []).forEach(function (m) { list.appendChild(el('li', new Date(m.at).toLocaleString() + ' ' + (m.note || m.kind))); }); box.appendChild(list);
    if (data.answer) box.appendChild(el('p', T.answer + '：' + data.answer));
    if (data.canRate) {
      var p = el('p', T.rate + ' ');
      [1, 2, 3, 4, 5].forEach(function (n) { var b = el('button', n + '★'); b.type = 'button'; b.onclick = function () { call('./opinions:rate' + Q, { code: data.trackingCode, stars: n }).then(function (d) { show(d); box.appendChild(el('p', T.thanks)); }, function (e) { box.appendChild(el('p', e.message)); }); }; p.appendChild(b); });
      box.appendChild(p);
    }
  }
  var f = document.getElementById('opinion');
  if (f) f.onsubmit = function (ev) {
    ev.preventDefault();
    var out = document.getElementById('result');
    Promise.all(Array.prototype.slice.call(f.photos.files, 0, 3).map(read)).then(function (photos) {
      return call('./opinions:submit' + Q, { token: token, name: f.name.value, phone: f.phone.value, category: f.category.value, content: f.content.value, photos: photos });
    }).then(function (d) { out.textContent = T.sent + ' '; out.appendChild(el('span', d.trackingCode)).className = 'code'; f.reset(); }, function (e) { out.textContent = T.failed + '：' + e.message; });
  };
  document.getElementById('track').onsubmit = function (ev) {
    ev.preventDefault();
    call('./opinions:track' + Q + '&code=' + encodeURIComponent(this.code.value)).then(show, function (e) { document.getElementById('progress').textContent = e.message; });
  };
})();
</script>
</body></html>`;
}
