// The call flow page: loads /api/flows/:name/graph (laid out by the service) with the
// API key the person gives and draws it as SVG: a box per node, an arrow per exit.
// Served as a file (CSP script-src 'self'); text goes in with textContent only,
// so prompts and ids can never become markup.
'use strict';

(function () {
  const NS = 'http://www.w3.org/2000/svg';
  // The sizes the service laid the boxes out for (src/flows/diagram-layout.ts, DIAGRAM_TEXT).
  const LINE = 16;
  const PADDING = 10;

  const $ = (id) => document.getElementById(id);
  const segments = location.pathname.split('/');
  const flowName = decodeURIComponent(segments[segments.length - 1]);
  // Everything before /flows/<name>, so a proxy path prefix carries over to the API.
  const base = location.pathname.slice(0, location.pathname.lastIndexOf('/flows/'));
  const version = new URLSearchParams(location.search).get('version');
  const apiPath = base + '/api/flows/' + encodeURIComponent(flowName) + '/graph' + (version ? '?version=' + encodeURIComponent(version) : '');

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function message(text) {
    $('message').textContent = text || '';
    show('message', Boolean(text));
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function arrowHead() {
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' }));
    defs.append(marker);
    return defs;
  }

  function drawNode(node) {
    const left = node.x - node.width / 2;
    const top = node.y - node.height / 2;
    const g = svg('g', { class: 'node ' + node.type + (node.start ? ' start' : ''), 'data-node': node.id, 'data-type': node.type });
    g.append(svg('title', {}, node.id + ' (' + node.type + (node.start ? ', start' : '') + '): ' + node.label));
    g.append(svg('rect', { x: left, y: top, width: node.width, height: node.height, rx: 6 }));
    g.append(svg('text', { class: 'title', x: node.x, y: top + PADDING + LINE - 4, 'text-anchor': 'middle' }, node.id + ' · ' + node.type));
    const label = svg('text', { class: 'label', 'text-anchor': 'middle', 'data-label': node.label });
    node.lines.forEach((line, i) => label.append(svg('tspan', { x: node.x, y: top + PADDING + LINE * (i + 2) - 4 }, line)));
    g.append(label);
    return g;
  }

  function drawEdge(edge) {
    const g = svg('g', { class: 'edge', 'data-from': edge.from, 'data-to': edge.to, 'data-label': edge.label });
    const d = edge.points.map((p, i) => (i ? 'L ' : 'M ') + p.x + ' ' + p.y).join(' ');
    g.append(svg('path', { d, 'marker-end': 'url(#arrow)' }));
    const width = edge.label.length * 7.2 + 8;
    g.append(svg('rect', { class: 'edge-label-bg', x: edge.labelX - width / 2, y: edge.labelY - LINE / 2, width, height: LINE, rx: 3 }));
    g.append(svg('text', { x: edge.labelX, y: edge.labelY + 4, 'text-anchor': 'middle' }, edge.label));
    return g;
  }

  function drawVersions(graph) {
    const nav = $('versions');
    nav.replaceChildren(document.createTextNode('Versions:'));
    for (const v of graph.versions) {
      const link = document.createElement('a');
      link.textContent = String(v);
      link.href = location.pathname + '?version=' + v;
      if (v === graph.version) link.setAttribute('aria-current', 'page');
      nav.append(link);
    }
  }

  function render(graph) {
    show('key-section', false);
    message('');
    show('flow', true);
    document.title = graph.name + ' v' + graph.version + ' · Call flow · callhook';
    $('name').textContent = graph.name;
    $('version').textContent = 'version ' + graph.version;
    $('description').textContent = graph.description || graph.nodes.length + ' nodes, starting at ' + graph.nodes.find((n) => n.start).id;
    drawVersions(graph);
    const picture = svg('svg', {
      viewBox: '0 0 ' + graph.width + ' ' + graph.height,
      width: graph.width,
      height: graph.height,
      role: 'img',
      'aria-label': 'Flow ' + graph.name + ' version ' + graph.version + ': ' + graph.nodes.length + ' nodes, ' + graph.edges.length + ' exits',
    });
    picture.append(arrowHead());
    // Edges first, so boxes sit on top of the lines' ends.
    for (const edge of graph.edges) picture.append(drawEdge(edge));
    for (const node of graph.nodes) picture.append(drawNode(node));
    $('graph').replaceChildren(picture);
  }

  async function load() {
    message('Loading…');
    let graph;
    try {
      graph = await window.CallhookApiKey.request(apiPath);
    } catch (err) {
      // A refused key: api-key.js is asking for another.
      if (err.status === 401) return;
      if (!(err instanceof window.CallhookApiKey.ApiError)) return message('Could not reach the service: ' + err.message);
      show('flow', false);
      return message(err.message.charAt(0).toUpperCase() + err.message.slice(1) + ' (' + err.code + ').');
    }
    render(graph);
  }

  function start() {
    window.CallhookApiKey.start({
      onKey: load,
      onAsk() {
        show('flow', false);
        message('');
      },
    });
  }

  start();
})();
