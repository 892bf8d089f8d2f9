// The campaign page's flow funnel: one row per node of the campaign's call flow,
// a bar of the calls that reached it (share of every call the campaign placed),
// then the keys pressed there, timeouts, invalid inputs and hang-ups.
// Loaded before report.js, which calls CallhookFunnel.render; textContent only.
'use strict';

window.CallhookFunnel = (function () {
  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  }

  function share(part, whole) {
    return whole ? ((part * 100) / whole).toFixed(1) + '%' : '0.0%';
  }

  /** Whether any call went through a node: a campaign of the built-in reminder has no funnel. */
  function hasEntries(funnel) {
    return Boolean(funnel) && funnel.nodes.some((n) => n.reached + n.noInput + n.invalid + n.hungUp + Object.keys(n.keys).length > 0);
  }

  /** Keys most pressed first, as "1 × 30"; a dash for a node that takes none. */
  function keysCell(keys) {
    const td = el('td', undefined, { class: 'funnel-keys' });
    const entries = Object.entries(keys).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (!entries.length) td.textContent = '–';
    for (const [digits, count] of entries) td.append(el('span', digits + ' × ' + count, { class: 'key', 'data-key': digits, 'data-count': String(count) }));
    return td;
  }

  /** A count that is a loss (timeouts, invalid input, hang-ups) stands out when it is not zero. */
  function lossCell(count, kind) {
    return el('td', count, { class: 'num' + (count ? ' loss' : ''), 'data-kind': kind });
  }

  function row(node, calls) {
    const tr = el('tr', undefined, { 'data-node': node.node, 'data-reached': String(node.reached) });
    tr.append(el('th', node.node, { scope: 'row' }));
    const reached = el('td', undefined, { class: 'funnel-reached' });
    const track = el('span', undefined, { class: 'funnel-track', 'aria-hidden': 'true' });
    const bar = el('span', undefined, { class: 'funnel-bar' });
    bar.style.width = (calls ? Math.min(100, (node.reached * 100) / calls) : 0) + '%';
    track.append(bar);
    reached.append(track, el('span', node.reached + ' (' + share(node.reached, calls) + ')', { class: 'funnel-count' }));
    tr.append(reached, keysCell(node.keys), lossCell(node.noInput, 'no-input'), lossCell(node.invalid, 'invalid'), lossCell(node.hungUp, 'hung-up'));
    return tr;
  }

  /** Draws the funnel into the section's table and shows the section; hides it when no call ran a flow. */
  function render(section, funnel) {
    const visible = hasEntries(funnel);
    section.hidden = !visible;
    if (!visible) return;
    const flow = funnel.flow ? 'flow "' + funnel.flow.name + '" version ' + funnel.flow.version + ', in its order from the start' : 'most reached first';
    section.querySelector('.funnel-hint').textContent = 'Calls that reached each node, of the ' + funnel.calls + ' calls placed (' + flow + '). Each count is of calls.';
    section.querySelector('tbody').replaceChildren(...funnel.nodes.map((n) => row(n, funnel.calls)));
  }

  return { render, hasEntries };
})();
