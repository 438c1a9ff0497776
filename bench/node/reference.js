#!/usr/bin/env node
// The reference pipeline, written the way a Node.js developer would write it in one process:
// NDJSON events -> parse -> normalize -> validate -> enrich -> 60 s windowed aggregates in
// SQLite, every rejected line in a dead-letter NDJSON file.
//
//   node bench/node/reference.js --input events.ndjson --db out.db --dead dead.ndjson \
//        [--resources DIR] [--schema FILE] [--regions FILE] [--user-agents FILE]
//
// It is the baseline Sluice's benchmarks compare against, and an independent cross-check of
// Sluice's output: it follows the workload's README (shared/reference/README.md) to the letter.
// See README.md beside this file for the choices made where the README leaves room.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020');
const Database = require('better-sqlite3');
const YAML = require('yaml');

const WINDOW_MS = 60000;
const LATENESS_MS = 10000;
const QUANTILES = [50, 95, 99]; // percent: nearest rank ceil(q * count) computed exactly

const hasOwn = Object.hasOwn;

// ---------------------------------------------------------------- resources

const RESOURCE_FILES = { schema: 'event.schema.json', regions: 'regions.csv', userAgents: 'user_agents.yaml' };

// Each resource file: an explicit path, else DIR/<name> with --resources, else the project's
// pipelines/ copy, else the workload's own copy in shared/reference/.
function resolveResources(opts = {}) {
  const repo = path.resolve(__dirname, '..', '..');
  const dirs = opts.resources
    ? [opts.resources]
    : [path.join(repo, 'pipelines'), path.join(repo, '..', 'shared', 'reference'), '/work/shared/reference'];
  const out = {};
  for (const [key, name] of Object.entries(RESOURCE_FILES)) {
    if (opts[key]) { out[key] = opts[key]; continue; }
    const found = dirs.map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
    if (!found) throw new Error(`${name} not found in ${dirs.join(', ')}`);
    out[key] = found;
  }
  return out;
}

// Translates an RE2 pattern into an equivalent JavaScript RegExp (compiled with the 'u' flag).
// Differences handled: a leading (?i) becomes the 'i' flag (with 'u', JS folds case by Unicode
// simple case folding, as RE2 does: "ſ" matches s, "K" (Kelvin) matches k); \d \s \w and their
// negations are ASCII-only in RE2 (\s = [\t\n\f\r ], no \v), so they become explicit classes;
// '.' matches anything but \n in RE2, while JS '.' also refuses \r, U+2028 and U+2029; \x{..}
// becomes \u{..}; \A and \z become ^ and $. Anything else is passed through, and JS rejects
// what it cannot compile.
function re2ToRegExp(pattern) {
  let flags = 'u';
  let p = pattern;
  const m = /^\(\?([a-zA-Z]+)\)/.exec(p);
  if (m) {
    for (const f of m[1]) {
      if (f === 'i') flags += 'i';
      else throw new Error(`unsupported RE2 flag (?${f}) in ${pattern}`);
    }
    p = p.slice(m[0].length);
  }
  const OUT = { d: '[0-9]', D: '[^0-9]', s: '[\\t\\n\\f\\r ]', S: '[^\\t\\n\\f\\r ]', w: '[0-9A-Za-z_]', W: '[^0-9A-Za-z_]' };
  const IN = { d: '0-9', s: '\\t\\n\\f\\r ', w: '0-9A-Za-z_' };
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[++i];
      if (n === undefined) throw new Error(`trailing backslash in ${pattern}`);
      if (n === 'x' && p[i + 1] === '{') {
        const close = p.indexOf('}', i);
        out += '\\u{' + p.slice(i + 2, close) + '}';
        i = close;
      } else if (!inClass && (n === 'A' || n === 'z')) out += n === 'A' ? '^' : '$'; // no 'm' flag
      else if (!inClass && OUT[n]) out += OUT[n];
      else if (inClass && IN[n]) out += IN[n];
      else if (inClass && OUT[n]) throw new Error(`unsupported \\${n} inside a class in ${pattern}`);
      else if (/[A-Za-z0-9]/.test(n) || '^$\\.*+?()[]{}|/'.includes(n) || (inClass && n === '-')) out += '\\' + n;
      else out += n; // RE2 lets any punctuation be escaped; JS with 'u' does not
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += '\\' + p[++i]; // a ']' first in a class is a literal
    } else if (c === '.') {
      out += '[^\\n]';
    } else if (c === '(' && p[i + 1] === '?' && p[i + 2] === 'P' && p[i + 3] === '<') {
      out += '(?<'; // RE2's (?P<name>...)
      i += 3;
    } else {
      out += c;
    }
  }
  return new RegExp(out, flags);
}

function loadResources(files) {
  const schema = JSON.parse(fs.readFileSync(files.schema, 'utf8'));

  const rules = YAML.parse(fs.readFileSync(files.userAgents, 'utf8'));
  const compile = (list) => (list || []).map((r) => ({ name: String(r.name), re: re2ToRegExp(String(r.pattern)) }));

  const regions = new Map();
  const csv = fs.readFileSync(files.regions, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = csv[0].split(',').map((h) => h.trim());
  const keyCol = header.indexOf('country');
  const valCol = header.indexOf('region');
  if (keyCol < 0 || valCol < 0) throw new Error(`${files.regions}: needs columns country and region`);
  for (const line of csv.slice(1)) {
    const cols = line.split(',');
    regions.set(cols[keyCol], cols[valCol]);
  }

  return { schema, browsers: compile(rules.browsers), os: compile(rules.os), regions };
}

// ---------------------------------------------------------------- normalize

const TS_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). Date.UTC
// is not used because it maps years 0..99 to 1900..1999.
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// RFC 3339 timestamp -> integer ms since the epoch (UTC), or undefined when it does not parse.
function parseRfc3339(s) {
  const m = TS_RE.exec(s);
  if (!m) return undefined;
  const y = +m[1], mo = +m[2], d = +m[3], h = +m[4], mi = +m[5], sec = +m[6];
  if (mo < 1 || mo > 12) return undefined;
  const dim = mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1];
  if (d < 1 || d > dim || h > 23 || mi > 59 || sec > 59) return undefined;
  const ms = m[7] ? +(m[7] + '00').slice(0, 3) : 0; // truncated, not rounded
  let offset = 0;
  if (m[8]) {
    const oh = +m[9], om = +m[10];
    if (oh > 23 || om > 59) return undefined;
    offset = (m[8] === '+' ? 1 : -1) * (oh * 60 + om) * 60000;
  }
  return daysFromCivil(y, mo, d) * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms - offset;
}

// ASCII-only case mapping: String.prototype.toLowerCase/toUpperCase would also map non-ASCII.
const asciiLower = (s) => (/[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (x) => x.toLowerCase()) : s);
const asciiUpper = (s) => (/[a-z]/.test(s) ? s.replace(/[a-z]+/g, (x) => x.toUpperCase()) : s);
// ASCII white space only: String.prototype.trim would also trim U+00A0, U+2028, U+FEFF...
const asciiTrim = (s) => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');

function normalize(r) {
  if (hasOwn(r, 'src')) {
    r.source = r.src;
    delete r.src;
  } else if (!hasOwn(r, 'source')) {
    r.source = 'unknown';
  }
  if (typeof r.event_type === 'string') r.event_type = asciiLower(r.event_type);
  const u = r.user;
  if (u !== null && typeof u === 'object' && !Array.isArray(u) && typeof u.country === 'string') {
    u.country = asciiUpper(asciiTrim(u.country));
  }
  if (typeof r.ts === 'string') {
    const t = parseRfc3339(r.ts);
    if (t !== undefined) {
      r.timestamp_ms = t;
      delete r.ts;
    }
  }
}

// ---------------------------------------------------------------- validate

function compileValidator(schema) {
  // Ajv's defaults already mean what the README asks: minLength/maxLength count code points,
  // pattern is an ECMAScript RegExp with the 'u' flag, "integer" is a number with no fraction.
  const ajv = new Ajv2020({ allErrors: false });
  return ajv.compile(schema);
}

const escapePointer = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

// "/json/pointer: keyword"; for a missing required property the pointer names that property.
function validationDetail(err) {
  if (err.keyword === 'required') return `${err.instancePath}/${escapePointer(err.params.missingProperty)}: required`;
  return `${err.instancePath}: ${err.keyword}`;
}

// ---------------------------------------------------------------- enrich

const URL_RE = /^https?:\/\/([^/?#]+)([^?#]*)/;

function firstMatch(rules, s) {
  if (typeof s !== 'string') return null;
  for (const rule of rules) {
    const m = rule.re.exec(s);
    if (m) return { name: rule.name, m };
  }
  return null;
}

function enrich(r, res) {
  const b = firstMatch(res.browsers, r.user_agent);
  if (b) {
    r.browser = b.name;
    const major = b.m[1] !== undefined ? Number.parseInt(b.m[1], 10) : 0;
    r.browser_major = Number.isNaN(major) ? 0 : major;
  } else {
    r.browser = 'other';
    r.browser_major = 0;
  }
  const o = firstMatch(res.os, r.user_agent);
  r.os = o ? o.name : 'other';
  const u = typeof r.url === 'string' ? URL_RE.exec(r.url) : null;
  r.url_host = u ? u[1] : '';
  r.url_path = u ? u[2] || '/' : '';
  const region = r.user && typeof r.user.country === 'string' ? res.regions.get(r.user.country) : undefined;
  r.region = region !== undefined ? region : 'unknown';
}

// ---------------------------------------------------------------- the pipeline

class Pipeline {
  // onDead(deadLetterObject), onRows(arrayOfRows): called as dead letters and closed windows come.
  constructor(res, { onDead, onRows }) {
    this.res = res;
    this.validate = compileValidator(res.schema);
    this.onDead = onDead;
    this.onRows = onRows;
    this.c = { records_in: 0, parse_error: 0, validation_error: 0, filtered: 0, late: 0, sum_count: 0, rows: 0, blank_lines: 0, lines: 0 };
    this.maxTs = -Infinity;
    this.windows = new Map(); // window_start -> Map(groupKey -> group)
    this.oldestOpen = Infinity; // smallest window_start in this.windows
  }

  dead(reason, stage, detail, line, raw) {
    this.c[reason]++;
    this.onDead({ reason, stage, detail, line, raw });
  }

  // One input line (a string without its '\n'), with its 1-based number.
  line(s, lineNo) {
    this.c.lines = lineNo;
    const c0 = s.charCodeAt(0);
    if ((s.length === 0 || c0 === 32 || c0 === 9 || c0 === 13) && /^[ \t\r]*$/.test(s)) {
      this.c.blank_lines++;
      return;
    }
    this.c.records_in++;
    const raw = s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
    if (c0 === 0xfeff) return this.dead('parse_error', 'parse', 'line begins with a byte-order mark', lineNo, raw);
    let r;
    try {
      r = JSON.parse(s);
    } catch (e) {
      return this.dead('parse_error', 'parse', e.message, lineNo, raw);
    }
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      return this.dead('parse_error', 'parse', 'top-level value is not an object', lineNo, raw);
    }
    normalize(r);
    if (!this.validate(r)) {
      return this.dead('validation_error', 'validate', validationDetail(this.validate.errors[0]), lineNo, raw);
    }
    enrich(r, this.res);
    if (r.browser === 'bot') {
      this.c.filtered++;
      return;
    }
    this.aggregate(r, lineNo, raw);
  }

  // A line whose bytes are not valid UTF-8 (raw: its lossy decoding, U+FFFD for bad bytes).
  invalidUtf8(raw, lineNo) {
    this.c.lines = lineNo;
    this.c.records_in++;
    this.dead('parse_error', 'parse', 'invalid UTF-8', lineNo, raw);
  }

  aggregate(r, lineNo, raw) {
    const ts = r.timestamp_ms;
    const ws = Math.floor(ts / WINDOW_MS) * WINDOW_MS;
    if (ws + WINDOW_MS + LATENESS_MS <= this.maxTs) {
      this.dead('late', 'aggregate', `window ${ws} closed: window end + lateness ${ws + WINDOW_MS + LATENESS_MS} <= max_ts ${this.maxTs}`, lineNo, raw);
      return; // a late record is older than max_ts: it cannot raise it
    }
    let groups = this.windows.get(ws);
    if (!groups) {
      groups = new Map();
      this.windows.set(ws, groups);
      if (ws < this.oldestOpen) this.oldestOpen = ws;
    }
    const key = `${r.event_type}\u0000${r.region}\u0000${r.browser}`;
    let g = groups.get(key);
    const lat = r.latency_ms;
    const amount = typeof r.amount === 'number' ? r.amount : 0;
    if (!g) {
      g = { window_start: ws, event_type: r.event_type, region: r.region, browser: r.browser, count: 0, amount_sum: 0, latency_min: lat, latency_max: lat, latency_sum: 0, latencies: [] };
      groups.set(key, g);
    }
    g.count++;
    g.amount_sum += amount;
    if (lat < g.latency_min) g.latency_min = lat;
    if (lat > g.latency_max) g.latency_max = lat;
    g.latency_sum += lat;
    g.latencies.push(lat);
    this.c.sum_count++;
    if (ts > this.maxTs) {
      this.maxTs = ts;
      // Windows that no further record can reach (it would be late) are complete: emit them.
      if (this.oldestOpen + WINDOW_MS + LATENESS_MS <= ts) this.flush((w) => w + WINDOW_MS + LATENESS_MS <= ts);
    }
  }

  flush(isClosed) {
    const rows = [];
    let oldest = Infinity;
    for (const [ws, groups] of this.windows) {
      if (!isClosed(ws)) {
        if (ws < oldest) oldest = ws;
        continue;
      }
      for (const g of groups.values()) rows.push(toRow(g));
      this.windows.delete(ws);
    }
    this.oldestOpen = oldest;
    if (rows.length > 0) {
      this.c.rows += rows.length;
      this.onRows(rows);
    }
  }

  finish() {
    this.flush(() => true);
    const c = this.c;
    c.balance_ok = c.records_in === c.parse_error + c.validation_error + c.filtered + c.late + c.sum_count;
    return c;
  }
}

function toRow(g) {
  const sorted = Float64Array.from(g.latencies).sort();
  const row = {
    window_start: g.window_start, event_type: g.event_type, region: g.region, browser: g.browser,
    count: g.count, amount_sum: g.amount_sum, latency_min: g.latency_min, latency_max: g.latency_max,
    latency_avg: g.latency_sum / g.count,
  };
  for (const q of QUANTILES) {
    // Nearest rank ceil(q * count) in integer arithmetic: 0.95 * 20 is 19.000000000000004 in doubles.
    const rank = Math.max(1, Math.ceil((q * g.count) / 100));
    row[`latency_p${q}`] = sorted[rank - 1];
  }
  return row;
}

// ---------------------------------------------------------------- input

// Feeds the lines of a file to pipeline.line / pipeline.invalidUtf8. Bytes are split on '\n';
// a last line without '\n' counts. A block of complete lines is decoded at once when it is all
// valid UTF-8; a block that is not is decoded line by line to find the culprits.
async function readLines(file, pipeline) {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  let lineNo = 0;

  const lineBytes = (buf) => {
    lineNo++;
    let s;
    try {
      s = strict.decode(buf);
    } catch {
      let raw = lossy.decode(buf);
      if (raw.endsWith('\r')) raw = raw.slice(0, -1);
      return pipeline.invalidUtf8(raw, lineNo);
    }
    pipeline.line(s, lineNo);
  };

  const block = (buf) => { // complete lines, without the final '\n'
    let text;
    try {
      text = strict.decode(buf);
    } catch {
      let start = 0;
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
        lineBytes(buf.subarray(start, nl));
        start = nl + 1;
      }
      lineBytes(buf.subarray(start));
      return;
    }
    for (const s of text.split('\n')) pipeline.line(s, ++lineNo);
  };

  let rest = null;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const data = rest ? Buffer.concat([rest, chunk]) : chunk;
    const last = data.lastIndexOf(10);
    if (last === -1) {
      rest = data;
      continue;
    }
    block(data.subarray(0, last));
    rest = last + 1 < data.length ? data.subarray(last + 1) : null;
  }
  if (rest) block(rest); // a last line without '\n'
}

// ---------------------------------------------------------------- sinks and main

const CREATE_METRICS = `CREATE TABLE IF NOT EXISTS metrics (
  window_start INTEGER NOT NULL, event_type TEXT NOT NULL, region TEXT NOT NULL,
  browser TEXT NOT NULL, count INTEGER NOT NULL, amount_sum REAL NOT NULL,
  latency_min REAL NOT NULL, latency_max REAL NOT NULL, latency_avg REAL NOT NULL,
  latency_p50 REAL NOT NULL, latency_p95 REAL NOT NULL, latency_p99 REAL NOT NULL,
  PRIMARY KEY (window_start, event_type, region, browser))`;

const COLUMNS = ['window_start', 'event_type', 'region', 'browser', 'count', 'amount_sum', 'latency_min', 'latency_max', 'latency_avg', 'latency_p50', 'latency_p95', 'latency_p99'];

// Upsert, as the project's pipeline does: a row already in the table for the same key is replaced.
const UPSERT_METRICS = `INSERT INTO metrics (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})
  ON CONFLICT (window_start, event_type, region, browser) DO UPDATE SET
  ${COLUMNS.slice(4).map((c) => `${c} = excluded.${c}`).join(', ')}`;

function parseArgs(argv) {
  const names = { '--input': 'input', '--db': 'db', '--dead': 'dead', '--resources': 'resources', '--schema': 'schema', '--regions': 'regions', '--user-agents': 'userAgents' };
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return null;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!names[flag]) throw new Error(`unknown argument ${a}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    opts[names[flag]] = value;
  }
  for (const need of ['input', 'db', 'dead']) if (!opts[need]) throw new Error(`--${need} is required`);
  return opts;
}

const USAGE = 'usage: node reference.js --input events.ndjson --db out.db --dead dead.ndjson [--resources DIR] [--schema FILE] [--regions FILE] [--user-agents FILE]';

async function run(opts) {
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);

  const res = loadResources(resolveResources(opts));

  const db = new Database(opts.db);
  db.exec(CREATE_METRICS);
  const upsert = db.prepare(UPSERT_METRICS);
  const insertRows = db.transaction((rows) => { for (const row of rows) upsert.run(row); });

  const deadFd = fs.openSync(opts.dead, 'w');
  let deadBuf = [];
  let deadLen = 0;
  const flushDead = () => {
    if (deadBuf.length) fs.writeSync(deadFd, deadBuf.join(''));
    deadBuf = [];
    deadLen = 0;
  };

  const pipeline = new Pipeline(res, {
    onDead: (d) => {
      const s = JSON.stringify(d) + '\n';
      deadBuf.push(s);
      deadLen += s.length;
      if (deadLen >= 1 << 20) flushDead();
    },
    onRows: insertRows,
  });

  await readLines(opts.input, pipeline);
  const c = pipeline.finish();
  flushDead();
  fs.closeSync(deadFd);
  db.close();

  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  return {
    records_in: c.records_in, parse_error: c.parse_error, validation_error: c.validation_error,
    filtered: c.filtered, late: c.late, sum_count: c.sum_count, rows: c.rows,
    lines: c.lines, blank_lines: c.blank_lines,
    balance_ok: c.balance_ok,
    seconds: Number(seconds.toFixed(3)),
    records_per_second: Math.round(c.records_in / seconds),
    cpu_seconds: Number(cpuSeconds.toFixed(3)),
    peak_rss_bytes: peakRss,
    peak_rss_mib: Number((peakRss / 1048576).toFixed(1)),
  };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (!opts) {
    console.log(USAGE);
    return;
  }
  const summary = await run(opts);
  console.log(JSON.stringify(summary));
  if (!summary.balance_ok) {
    console.error('balance check failed: records_in != parse_error + validation_error + filtered + late + sum_count');
    process.exitCode = 1;
  }
}

module.exports = { Pipeline, loadResources, resolveResources, re2ToRegExp, parseRfc3339, daysFromCivil, normalize, enrich, validationDetail, compileValidator, readLines, toRow, run, parseArgs };

if (require.main === module) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  });
}
