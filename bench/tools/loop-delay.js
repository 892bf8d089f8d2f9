// Preloaded into a callhook process (NODE_OPTIONS=--require …/loop-delay.js) to
// measure how late its event loop runs: the p50/p99/max delay of a 10 ms timer,
// printed to stderr when the process exits.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('exit', () => {
  h.disable();
  const ms = (ns) => (ns / 1e6).toFixed(1);
  process.stderr.write(`event loop delay: p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms\n`);
});
