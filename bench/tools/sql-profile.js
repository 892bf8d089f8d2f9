// Preloaded into a callhook process by `npm run bench -- --sql-profile`:
// counts and times every SQL statement (better-sqlite3 synchronously, pg
// until its answer), and writes the totals as JSON when the process exits.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_SQL_PROFILE_DIR;
const stats = new Map();
const normalize = (sql) => String(sql).replace(/\s+/g, ' ').trim().slice(0, 240);
function record(sql, ms) {
  const key = normalize(sql);
  const s = stats.get(key) || { sql: key, count: 0, ms: 0 };
  s.count += 1;
  s.ms += ms;
  stats.set(key, s);
}

const Database = require('better-sqlite3');
const patched = new WeakSet();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const stmt = prepare.call(this, sql);
  const proto = Object.getPrototypeOf(stmt);
  if (!patched.has(proto)) {
    patched.add(proto);
    for (const name of ['run', 'get', 'all']) {
      const original = proto[name];
      proto[name] = function (...args) {
        const t = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          record(this.source, Number(process.hrtime.bigint() - t) / 1e6);
        }
      };
    }
  }
  return stmt;
};
for (const name of ['exec', 'pragma']) {
  const original = Database.prototype[name];
  Database.prototype[name] = function (sql, ...rest) {
    const t = process.hrtime.bigint();
    try {
      return original.call(this, sql, ...rest);
    } finally {
      record(`${name}: ${sql}`, Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
}

const pg = require('pg');
for (const Target of [pg.Client, pg.Pool]) {
  const original = Target.prototype.query;
  Target.prototype.query = function (text, ...rest) {
    const t = process.hrtime.bigint();
    const result = original.call(this, text, ...rest);
    const sql = typeof text === 'string' ? text : (text && text.text) || '?';
    if (result && typeof result.then === 'function') {
      result.then(
        () => record(`${Target.name}: ${sql}`, Number(process.hrtime.bigint() - t) / 1e6),
        () => record(`${Target.name}: ${sql}`, Number(process.hrtime.bigint() - t) / 1e6),
      );
    }
    return result;
  };
}

process.on('exit', () => {
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const rows = [...stats.values()].sort((a, b) => b.ms - a.ms);
  fs.writeFileSync(path.join(dir, `sql-${process.pid}.json`), JSON.stringify(rows, null, 1));
});
