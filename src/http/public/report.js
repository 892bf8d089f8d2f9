// The campaign report page: loads the campaign with the API key the person gives,
// draws it, and refreshes every 2 s until nothing can change any more.
// Served as a file (CSP script-src 'self'); builds the DOM with textContent only,
// so names and CSV fields can never become markup.
'use strict';

(function () {
  const { ApiError } = window.CallhookApiKey;
  const REFRESH_MS = 2000;
  const RETRY_MS = 5000;
  // Large campaigns have large reports: fetch those less often while running.
  const LARGE_CAMPAIGN = 5000;
  const LARGE_REPORT_EVERY_MS = 30000;
  const FAILED_OUTCOMES = ['failed', 'not-answered', 'agent-unavailable'];
  const MAX_FAILED_ROWS = 50;
  const SLOWEST_ROWS = 10;

  // The built-in outcomes' meaningful colours, each at least 3:1 against white
  // (non-text contrast). A Map, so an outcome a flow names "constructor" is no built-in.
  const OUTCOME_COLOURS = new Map([
    ['answered-acknowledged', '#1a7f37'],
    ['connected-to-agent', '#0969da'],
    ['answered-other-key', '#8250df'],
    ['no-response', '#9a6700'],
    ['not-answered', '#6e7781'],
    ['agent-unavailable', '#bc4c00'],
    ['failed', '#cf222e'],
  ]);
  const CANCELLED_COLOUR = '#24292f';
  const UNSETTLED_COLOUR = '#d0d7de';
  // The outcomes a flow's hang-up nodes name (confirmed, reschedule), a colour each:
  // every one at least 3:1 against white, at least 14 apart (CIEDE2000) from each other
  // as normal vision and as protanopia, deuteranopia and tritanopia see them (Machado
  // et al. 2009), and at least 12 from every colour above. The most distinct come first,
  // as most flows name only a few; a flow with more than nine reuses them in turn.
  const CUSTOM_COLOURS = ['#999922', '#772255', '#8888ee', '#cc4466', '#005533', '#886699', '#557700', '#339988', '#5533aa'];
  // Custom outcome → colour for the page's life: the names are coloured in sorted order
  // when first seen, so an outcome keeps its colour on every refresh, whatever its count,
  // and one that appears later takes the next colour rather than shifting the others.
  const customColours = new Map();

  const $ = (id) => document.getElementById(id);
  const segments = location.pathname.split('/');
  const campaignId = decodeURIComponent(segments[segments.length - 1]);
  // Everything before /campaigns/<id>, so a proxy path prefix carries over to the API.
  const base = location.pathname.slice(0, location.pathname.lastIndexOf('/campaigns/'));
  const apiPath = base + '/api/campaigns/' + encodeURIComponent(campaignId);

  let timer;
  let lastReport;
  let lastFunnel;
  let lastReportAt = 0;
  let lastStatus;

  /** The campaign's API at `path` (api-key.js sends the key and forgets it on a 401). */
  function api(path, options) {
    return window.CallhookApiKey.request(apiPath + path, options);
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function message(text) {
    $('message').textContent = text || '';
    show('message', Boolean(text));
  }

  function isSettled(view) {
    return view.status === 'completed' || (view.status === 'cancelled' && view.progress.dialling === 0);
  }

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  }

  function percent(part, whole) {
    return whole ? ((part * 100) / whole).toFixed(1) + '%' : '0.0%';
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    const s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + String(Math.floor(s % 60)).padStart(2, '0') + ' s';
    return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : '–';
  }

  function outcomeColour(outcome) {
    return OUTCOME_COLOURS.get(outcome) || customColours.get(outcome);
  }

  /** Outcome slices, most frequent first, then what is cancelled or not settled yet, so the donut always sums to the total. */
  function slices(view) {
    const names = Object.keys(view.outcomes).sort();
    for (const name of names) {
      if (!OUTCOME_COLOURS.has(name) && !customColours.has(name)) customColours.set(name, CUSTOM_COLOURS[customColours.size % CUSTOM_COLOURS.length]);
    }
    const list = Object.entries(view.outcomes)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([outcome, count]) => ({ key: outcome, label: outcome, count, outcome: true, colour: outcomeColour(outcome) }));
    if (view.progress.cancelled) list.push({ key: 'cancelled', label: 'cancelled (not called)', count: view.progress.cancelled, colour: CANCELLED_COLOUR });
    const unsettled = view.progress.pending + view.progress.dialling;
    if (unsettled) list.push({ key: 'unsettled', label: 'not settled yet', count: unsettled, colour: UNSETTLED_COLOUR });
    return list;
  }

  /** A donut drawn with one stroked circle per slice (circumference 100, so dash lengths are percentages). */
  function drawChart(view, parts) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 42 42');
    svg.setAttribute('role', 'img');
    const summary = parts.map((p) => p.label + ' ' + p.count).join(', ');
    svg.setAttribute('aria-label', 'Outcomes of ' + view.progress.total + ' targets: ' + (summary || 'none yet'));
    const ring = document.createElementNS(NS, 'circle');
    for (const [k, v] of Object.entries({ cx: 21, cy: 21, r: 15.915, fill: 'none', stroke: '#eaeef2', 'stroke-width': 6 })) ring.setAttribute(k, v);
    svg.appendChild(ring);
    const total = view.progress.total || 1;
    let offset = 0;
    for (const part of parts) {
      const share = (part.count * 100) / total;
      const arc = document.createElementNS(NS, 'circle');
      const attrs = { cx: 21, cy: 21, r: 15.915, fill: 'none', stroke: part.colour, 'stroke-width': 6, 'stroke-dasharray': share + ' ' + (100 - share), 'stroke-dashoffset': 25 - offset };
      for (const [k, v] of Object.entries(attrs)) arc.setAttribute(k, v);
      svg.appendChild(arc);
      offset += share;
    }
    const settled = view.progress.done + view.progress.cancelled;
    const big = document.createElementNS(NS, 'text');
    for (const [k, v] of Object.entries({ x: 21, y: 21, 'text-anchor': 'middle', 'font-size': 6, 'font-weight': 700, fill: '#1f2328' })) big.setAttribute(k, v);
    big.textContent = view.progress.percent + '%';
    const small = document.createElementNS(NS, 'text');
    for (const [k, v] of Object.entries({ x: 21, y: 27, 'text-anchor': 'middle', 'font-size': 3, fill: '#57606a' })) small.setAttribute(k, v);
    small.textContent = settled + ' of ' + view.progress.total;
    svg.append(big, small);
    $('chart').replaceChildren(svg);
  }

  function drawLegend(view, parts) {
    const rows = parts.map((part) => {
      const attrs = part.outcome ? { 'data-outcome': part.key, 'data-count': String(part.count) } : { 'data-kind': part.key, 'data-count': String(part.count) };
      const tr = el('tr', undefined, attrs);
      const name = el('td');
      const swatch = el('span', undefined, { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = part.colour;
      name.append(swatch, document.createTextNode(part.label));
      tr.append(name, el('td', part.count, { class: 'num' }), el('td', percent(part.count, view.progress.total), { class: 'num' }));
      return tr;
    });
    if (!rows.length) rows.push(emptyRow(3, 'No outcomes yet'));
    $('outcomes-table').tBodies[0].replaceChildren(...rows);
  }

  function emptyRow(columns, text) {
    const tr = el('tr');
    tr.append(el('td', text, { colspan: String(columns), class: 'empty' }));
    return tr;
  }

  /** Phone numbers read better without the raw id's "4:" prefix; other ids stay as they are. */
  function displayId(rawId) {
    return rawId.startsWith('4:+') ? rawId.slice(2) : rawId;
  }

  function targetRow(t, last) {
    const tr = el('tr', undefined, { 'data-row': String(t.row) });
    tr.append(el('td', t.row, { class: 'num' }), el('td', displayId(t.to)), el('td', t.outcome || t.status), el('td', t.attempts, { class: 'num' }), last);
    return tr;
  }

  function drawTables(report) {
    const failed = report.targets.filter((t) => t.status === 'done' && FAILED_OUTCOMES.includes(t.outcome));
    $('failed-table').tBodies[0].replaceChildren(
      ...(failed.length ? failed.slice(0, MAX_FAILED_ROWS).map((t) => targetRow(t, el('td', when(t.lastDialledAt)))) : [emptyRow(5, 'None')]),
    );
    $('failed-note').textContent = failed.length > MAX_FAILED_ROWS ? 'Showing ' + MAX_FAILED_ROWS + ' of ' + failed.length + '; the CSV has them all.' : '';

    const slowest = report.targets
      .filter((t) => t.durationMs !== null)
      .sort((a, b) => b.durationMs - a.durationMs || a.row - b.row)
      .slice(0, SLOWEST_ROWS);
    $('slowest-table').tBodies[0].replaceChildren(
      ...(slowest.length ? slowest.map((t) => targetRow(t, el('td', duration(t.durationMs), { class: 'num' }))) : [emptyRow(5, 'No finished targets yet')]),
    );
    $('slowest-note').textContent = lastReportAt && !isSettled(report.campaign) ? 'As of ' + new Date(lastReportAt).toLocaleTimeString() + '.' : '';
  }

  function render(view, report) {
    show('key-section', false);
    message('');
    show('report', true);
    document.title = view.name + ' · Campaign report · callhook';
    $('name').textContent = view.name;
    $('status').textContent = view.status;
    $('status').className = 'badge ' + view.status;
    $('campaign-id').textContent = view.id;
    $('created').textContent = when(view.createdAt);
    $('updated').textContent = isSettled(view) ? 'finished ' + when(view.finishedAt) : 'updated ' + new Date().toLocaleTimeString();
    if (lastStatus !== undefined && lastStatus !== view.status) $('live').textContent = 'Campaign is now ' + view.status + '.';
    lastStatus = view.status;

    const p = view.progress;
    const settled = p.done + p.cancelled;
    $('progress').max = p.total || 1;
    $('progress').value = settled;
    $('progress-text').textContent = settled + ' of ' + p.total + ' targets settled (' + p.percent + '%)';
    // A closed calling window would otherwise look like a stuck campaign (running, nothing in progress).
    $('waiting').textContent = view.waiting ? view.waiting.message.charAt(0).toUpperCase() + view.waiting.message.slice(1) + '.' : '';
    show('waiting', Boolean(view.waiting));
    $('stat-total').textContent = p.total;
    $('stat-dialling').textContent = p.dialling;
    $('stat-pending').textContent = p.pending;
    $('stat-attempts').textContent = p.attempts;
    // Dial attempts (retries included) over the time since creation, as the CLI counts them.
    const elapsed = (view.finishedAt ? Date.parse(view.finishedAt) : Date.now()) - Date.parse(view.createdAt);
    $('stat-cps').textContent = elapsed > 0 ? (p.attempts / (elapsed / 1000)).toFixed(2) : '0.00';
    $('stat-duration').textContent = duration(elapsed);
    // Deliveries of this campaign's webhooks that failed or are being retried (GET /api/webhooks/deliveries?campaignId=… lists them).
    $('stat-webhooks').textContent = view.webhooks ? view.webhooks.failingDeliveries : 0;

    const parts = slices(view);
    drawChart(view, parts);
    drawLegend(view, parts);
    if (report) drawTables(report);
    window.CallhookFunnel.render($('funnel-section'), lastFunnel);

    // Only the transitions the API would accept are offered.
    show('pause', view.status === 'running');
    show('resume', view.status === 'paused');
    show('cancel', view.status === 'running' || view.status === 'paused');
  }

  function handleError(err) {
    // The key was refused: api-key.js is asking for another.
    if (err instanceof ApiError && err.status === 401) return false;
    if (err instanceof ApiError && err.status === 404) {
      show('report', false);
      message('There is no campaign with id "' + campaignId + '" (' + err.code + ').');
      return false;
    }
    return true;
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      let view = await api('');
      if (!lastReport || isSettled(view) || view.progress.total <= LARGE_CAMPAIGN || Date.now() - lastReportAt >= LARGE_REPORT_EVERY_MS) {
        // The funnel counts every flow entry of the campaign's calls: as costly as the report, so fetched with it.
        [lastReport, lastFunnel] = await Promise.all([api('/report'), api('/funnel')]);
        lastReportAt = Date.now();
        // The report's own campaign view is the newer one, and matches its targets.
        view = lastReport.campaign;
      }
      render(view, lastReport);
      if (!isSettled(view)) timer = setTimeout(refresh, REFRESH_MS);
    } catch (err) {
      if (!handleError(err)) return;
      message('Could not refresh: ' + err.message + '. Trying again in ' + RETRY_MS / 1000 + ' s.');
      timer = setTimeout(refresh, RETRY_MS);
    }
  }

  async function act(action) {
    if (action === 'cancel' && !confirm('Cancel this campaign? No new calls will be placed; calls in progress finish.')) return;
    show('action-error', false);
    try {
      await api('/' + action, { method: 'POST' });
    } catch (err) {
      if (!handleError(err)) return;
      $('action-error').textContent = 'Could not ' + action + ': ' + err.message + ' (' + (err.code || 'network_error') + ')';
      show('action-error', true);
    }
    refresh();
  }

  async function downloadCsv() {
    try {
      const blob = await api('/report?format=csv', { accept: 'text/csv' });
      const link = el('a', undefined, { href: URL.createObjectURL(blob), download: 'campaign-' + campaignId + '.csv' });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (err) {
      if (!handleError(err)) return;
      $('action-error').textContent = 'Could not download the CSV: ' + err.message;
      show('action-error', true);
    }
  }

  function start() {
    for (const action of ['pause', 'resume', 'cancel']) $(action).addEventListener('click', () => act(action));
    $('download').addEventListener('click', downloadCsv);
    window.CallhookApiKey.start({
      onKey() {
        message('Loading…');
        refresh();
      },
      onAsk() {
        clearTimeout(timer);
        show('report', false);
        message('');
      },
    });
  }

  start();
})();
