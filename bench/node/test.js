// Tests of the Node.js reference pipeline against hand-made lines, one group per exactness point
// of the workload's README.   node --test bench/node/test.js   (or: npm test, in bench/node)
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const Database = require('better-sqlite3');
const ref = require('./reference.js');

const files = ref.resolveResources({});
const res = ref.loadResources(files);

// A valid record (after normalization); fields can be overridden or removed (value undefined).
function ev(over = {}) {
  const r = {
    id: 'evt-000000000001', src: 'web', ts: '2026-11-26T00:00:01.000Z', event_type: 'click',
    user: { id: 'u-1', country: 'DE', plan: 'free' }, session_id: 's-1', url: 'https://shop.example.com/p/1',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
    latency_ms: 10, tags: ['promo'], payload: { ab: 'variant-a' },
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete r[k];
    else r[k] = v;
  }
  return r;
}
const line = (over) => JSON.stringify(ev(over));

// Runs lines (strings) through the pipeline; returns counters, dead letters and rows.
function runLines(lines) {
  const dead = [];
  const rows = [];
  const p = new ref.Pipeline(res, { onDead: (d) => dead.push(d), onRows: (r) => rows.push(...r) });
  lines.forEach((s, i) => p.line(s, i + 1));
  const c = p.finish();
  assert.ok(c.balance_ok, 'balance');
  return { c, dead, rows };
}

// The record as it leaves normalize (+ validation result and detail).
function normalized(obj) {
  const r = JSON.parse(JSON.stringify(obj));
  ref.normalize(r);
  return r;
}
const validate = ref.compileValidator(res.schema);
const detailOf = (obj) => {
  const r = normalized(obj);
  return validate(r) ? null : ref.validationDetail(validate.errors[0]);
};

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-node-ref-'));
}

// Feeds the bytes of a file through readLines; returns what runLines returns.
async function runBytes(buf) {
  const dir = tmpdir();
  const f = path.join(dir, 'in.ndjson');
  fs.writeFileSync(f, buf);
  const dead = [];
  const rows = [];
  const p = new ref.Pipeline(res, { onDead: (d) => dead.push(d), onRows: (r) => rows.push(...r) });
  await ref.readLines(f, p);
  const c = p.finish();
  fs.rmSync(dir, { recursive: true });
  assert.ok(c.balance_ok, 'balance');
  return { c, dead, rows };
}

// ------------------------------------------------------------------ input

test('input: split on \\n, blank lines skipped but numbered, last line without \\n, CRLF', async () => {
  const good = line();
  const text = [good, '', '   ', '\t \r', '\r', 'nope\r', good + '\r', 'bad\r\r', '{"a":1,}'].join('\n'); // no final \n
  const { c, dead } = await runBytes(Buffer.from(text));
  assert.equal(c.lines, 9);
  assert.equal(c.blank_lines, 4);
  assert.equal(c.records_in, 5);
  assert.equal(c.sum_count, 2);
  assert.deepEqual(dead.map((d) => [d.line, d.raw, d.reason, d.stage]), [
    [6, 'nope', 'parse_error', 'parse'],
    [8, 'bad\r', 'parse_error', 'parse'], // only ONE \r before \n is dropped from raw
    [9, '{"a":1,}', 'parse_error', 'parse'],
  ]);
  assert.deepEqual(Object.keys(dead[0]), ['reason', 'stage', 'detail', 'line', 'raw']);
});

test('input: a final \\n does not make an extra line; an empty file has no records', async () => {
  assert.equal((await runBytes(Buffer.from(line() + '\n'))).c.lines, 1);
  assert.equal((await runBytes(Buffer.from(line() + '\n\n'))).c.lines, 2);
  assert.equal((await runBytes(Buffer.alloc(0))).c.records_in, 0);
});

test('input: invalid UTF-8 is a parse_error; raw holds U+FFFD for the bad bytes', async () => {
  const good = Buffer.from(line() + '\n');
  const bad = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\r\n')]);
  const overlong = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d, 0x0a]); // {"a":"<C0 AF>"}
  const surrogate = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x0a]); // CESU surrogate
  const { c, dead } = await runBytes(Buffer.concat([good, bad, good, overlong, surrogate, good]));
  assert.equal(c.records_in, 6);
  assert.equal(c.sum_count, 3);
  assert.equal(c.parse_error, 3);
  assert.deepEqual(dead.map((d) => [d.line, d.detail]), [[2, 'invalid UTF-8'], [4, 'invalid UTF-8'], [5, 'invalid UTF-8']]);
  assert.equal(dead[0].raw, '{"id":"\ufffd("}'); // one \r dropped, bad byte replaced
});

test('input: a line beginning with a byte-order mark is a parse_error, wherever it is', async () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const good = Buffer.from(line() + '\n');
  const { c, dead } = await runBytes(Buffer.concat([bom, good, good, bom, good, Buffer.from(' '), bom, good]));
  assert.equal(c.records_in, 4);
  assert.equal(c.sum_count, 1);
  assert.deepEqual(dead.map((d) => d.line), [1, 3, 4]);
  assert.equal(dead[0].raw, '\ufeff' + line());
  assert.equal(dead[0].detail, 'line begins with a byte-order mark');
  assert.match(dead[2].detail, /JSON/); // a BOM after a space: not JSON white space
});

test('input: a line of about 1 MiB across read chunks, and 512 levels of nesting, are valid', async () => {
  const big = line({ payload: { blob: 'x'.repeat(1024 * 1024 - 600) } });
  assert.ok(Buffer.byteLength(big) <= 1024 * 1024);
  const deep = line({ payload: JSON.parse('{"d":'.repeat(255) + '['.repeat(256) + ']'.repeat(256) + '}'.repeat(255)) });
  const depth = (v) => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
  assert.equal(depth(JSON.parse(deep)), 512); // the record, payload, 254 objects, 256 arrays
  const { c } = await runBytes(Buffer.from([line(), big, line(), big, deep].join('\n')));
  assert.equal(c.sum_count, 5);
  assert.equal(c.lines, 5);
});

test('input: multi-byte characters at every chunk boundary position', async () => {
  const s = line({ payload: { t: 'é€😀'.repeat(100000) } });
  const { c } = await runBytes(Buffer.from([s, s, s].join('\n') + '\n'));
  assert.equal(c.sum_count, 3);
});

// ------------------------------------------------------------------ parse

test('parse: strict RFC 8259, top-level value must be an object', () => {
  const bad = ['[1,2,3]', '"just a string"', '42', 'null', 'true', '{"a":NaN}', '{"a":1,}', '{"a":1}//c',
    '/*c*/{"a":1}', "{'a':1}", '{"a":01}', '{"a":1}{"b":2}', '{"a":"\t"}', '{"a":Infinity}', '\f{"a":1}', '{a:1}',
    '{"a":.5}', '{"a":1.}', '{"a":0x10}', '{"a":"\\x41"}', '{"a":+1}'];
  const { c, dead } = runLines(bad);
  assert.equal(c.parse_error, bad.length);
  assert.deepEqual(dead.slice(0, 5).map((d) => d.detail), Array(5).fill('top-level value is not an object'));
});

test('parse: white space around the value, duplicate keys (last wins), escapes', () => {
  const r = ev();
  const s = JSON.stringify(r).replace('"latency_ms":10', '"latency_ms":-1,"latency_ms":10');
  const s2 = JSON.stringify(r).replace('"latency_ms":10', '"latency_ms":10,"latency_ms":-1');
  const { c, dead } = runLines([' \t' + line() + ' \r', s, s2, line({ payload: { e: '\u00e9\ud83d\ude00\\"' } })]);
  assert.equal(c.sum_count, 3);
  assert.equal(dead[0].detail, '/latency_ms: minimum');
  assert.equal(dead[0].line, 3);
});

// ------------------------------------------------------------------ normalize

test('normalize: src renamed to source (any type), default unknown', () => {
  assert.equal(normalized(ev({ src: 'ios' })).source, 'ios');
  assert.ok(!('src' in normalized(ev())));
  assert.equal(normalized(ev({ src: 'ios', source: 'web' })).source, 'ios');
  assert.equal(normalized(ev({ src: null, source: 'web' })).source, null);
  assert.equal(detailOf(ev({ src: null, source: 'web' })), '/source: type');
  assert.equal(detailOf(ev({ src: 5 })), '/source: type');
  assert.equal(normalized(ev({ src: undefined })).source, 'unknown');
  assert.equal(normalized(ev({ src: undefined, source: 'api' })).source, 'api');
  assert.equal(normalized(ev({ src: undefined, source: null })).source, null); // there is a source
  assert.equal(detailOf(ev({ src: 'WEB' })), '/source: enum'); // source is not lower-cased
});

test('normalize: event_type ASCII lower-case only', () => {
  assert.equal(normalized(ev({ event_type: 'Add_To_Cart' })).event_type, 'add_to_cart');
  assert.equal(normalized(ev({ event_type: 'PAGE_VIEW' })).event_type, 'page_view');
  // KELVIN SIGN: toLowerCase() would make "click" of it; ASCII lower-casing does not.
  assert.equal(normalized(ev({ event_type: 'CLIC\u212a' })).event_type, 'clic\u212a');
  assert.equal(detailOf(ev({ event_type: 'CLIC\u212a' })), '/event_type: enum');
  assert.equal(normalized(ev({ event_type: '\u00c9A' })).event_type, '\u00c9a');
  assert.equal(detailOf(ev({ event_type: 7 })), '/event_type: type');
});

test('normalize: user.country trimmed of ASCII white space, ASCII upper-case', () => {
  const country = (c) => normalized(ev({ user: { id: 'u', country: c } })).user.country;
  assert.equal(country(' de '), 'DE');
  assert.equal(country('\t\n\v\f\r de \r\f\v\n\t'), 'DE');
  assert.equal(country('\u00a0de'), '\u00a0DE'); // NBSP is not ASCII white space (trim() would remove it)
  assert.equal(country('\u2003de\ufeff'), '\u2003DE\ufeff');
  assert.equal(country('\u00df'), '\u00df'); // toUpperCase() would give "SS"
  assert.equal(detailOf(ev({ user: { id: 'u', country: '\u00df' } })), '/user/country: pattern');
  assert.equal(detailOf(ev({ user: { id: 'u', country: ' d e ' } })), '/user/country: pattern');
  assert.equal(detailOf(ev({ user: { id: 'u', country: 'Germany' } })), '/user/country: pattern');
  assert.equal(detailOf(ev({ user: { id: 'u', country: 5 } })), '/user/country: type');
  assert.equal(detailOf(ev({ user: 'DE' })), '/user: type');
  assert.equal(detailOf(ev({ user: null })), '/user: type');
  assert.equal(detailOf(ev({ user: ['DE'] })), '/user: type');
});

test('normalize: ts (RFC 3339) becomes timestamp_ms; ts removed', () => {
  const ms = (ts) => ref.parseRfc3339(ts);
  assert.equal(ms('2026-11-26T00:00:00Z'), Date.parse('2026-11-26T00:00:00Z'));
  assert.equal(ms('2026-11-26T00:00:00.5Z'), Date.parse('2026-11-26T00:00:00.500Z'));
  assert.equal(ms('2026-11-26T00:00:00.123456789Z'), Date.parse('2026-11-26T00:00:00.123Z'));
  assert.equal(ms('2026-11-26T00:00:00.999999999Z'), Date.parse('2026-11-26T00:00:00.999Z')); // truncated
  assert.equal(ms('2026-11-26T02:00:00.250+02:00'), Date.parse('2026-11-26T00:00:00.250Z'));
  assert.equal(ms('2026-11-25T18:30:00-05:30'), Date.parse('2026-11-26T00:00:00Z'));
  assert.equal(ms('1970-01-01T00:00:00Z'), 0);
  assert.equal(ms('1970-01-01T00:00:00+00:01'), -60000);
  assert.equal(ms('2024-02-29T12:00:00Z'), Date.parse('2024-02-29T12:00:00Z'));
  assert.equal(ms('2000-02-29T00:00:00Z'), Date.parse('2000-02-29T00:00:00Z'));
  assert.equal(ms('9999-12-31T23:59:59.999-23:59'), Date.UTC(9999, 11, 31, 23, 59, 59, 999) + (23 * 60 + 59) * 60000);
  assert.equal(ms('0000-01-01T00:00:00Z'), -62167219200000);
  assert.equal(ms('0050-03-01T00:00:00Z'), new Date('0050-03-01T00:00:00Z').getTime()); // not 1950
  for (const bad of ['2026-11-26t00:00:00Z', '2026-11-26T00:00:00z', '2026-11-26 00:00:00Z', '2026-11-26T00:00:00',
    '2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z', '2026-11-00T00:00:00Z', '2026-11-31T00:00:00Z',
    '2025-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26T23:60:00Z',
    '2026-11-26T23:59:60Z', '2026-11-26T00:00:00+24:00', '2026-11-26T00:00:00+23:60', '2026-11-26T00:00:00+0200',
    '2026-11-26T00:00:00.Z', '2026-11-26T00:00:00.1234567890Z', ' 2026-11-26T00:00:00Z', '2026-11-26T00:00:00Z ',
    '2026-11-26T00:00:00Z\n', '26-11-26T00:00:00Z', '+2026-11-26T00:00:00Z', '2026-1-26T00:00:00Z', '2026-11-26T00:00Z',
    '\uff12026-11-26T00:00:00Z', '2026-11-26T00:00:00\u2212', 'yesterday', '']) {
    assert.equal(ms(bad), undefined, bad);
  }
  // days_from_civil against the Date object (setUTCFullYear keeps years 0..99 as they are)
  for (let y = 0; y <= 2400; y += 7) {
    for (const [m, d] of [[1, 1], [2, 28], [3, 1], [12, 31]]) {
      const dt = new Date(0);
      dt.setUTCFullYear(y, m - 1, d);
      assert.equal(ref.daysFromCivil(y, m, d) * 86400000, dt.getTime(), `${y}-${m}-${d}`);
    }
  }
  const r = normalized(ev({ ts: '2026-11-26T00:00:00.123Z', timestamp_ms: 5 }));
  assert.equal(r.timestamp_ms, Date.parse('2026-11-26T00:00:00.123Z'));
  assert.ok(!('ts' in r));
  const kept = normalized(ev({ ts: '2026-13-01T00:00:00Z', timestamp_ms: 5 }));
  assert.equal(kept.ts, '2026-13-01T00:00:00Z');
  assert.equal(kept.timestamp_ms, 5);
  assert.equal(detailOf(ev({ ts: '2026-13-01T00:00:00Z', timestamp_ms: 5 })), null); // valid via timestamp_ms
  assert.equal(detailOf(ev({ ts: 'yesterday' })), '/timestamp_ms: required');
  assert.equal(detailOf(ev({ ts: 1764115200000 })), '/timestamp_ms: required'); // not a string: left alone
  assert.equal(normalized(ev({ ts: 1764115200000 })).ts, 1764115200000);
  assert.equal(detailOf(ev({ ts: '1969-12-31T23:59:59Z' })), '/timestamp_ms: minimum');
});

// ------------------------------------------------------------------ validate

test('validate: details as JSON Pointer + keyword', () => {
  assert.equal(detailOf(ev()), null);
  assert.equal(detailOf(ev({ id: undefined })), '/id: required');
  assert.equal(detailOf(ev({ id: 'evt-xxxxxxxxxxxx' })), '/id: pattern');
  assert.equal(detailOf(ev({ id: 'evt-0000000000011' })), '/id: pattern');
  assert.equal(detailOf(ev({ id: 'evt-00000000001\u0661' })), '/id: pattern'); // Arabic-Indic digit is not [0-9]
  assert.equal(detailOf(ev({ latency_ms: '10' })), '/latency_ms: type');
  assert.equal(detailOf(ev({ latency_ms: -0.001 })), '/latency_ms: minimum');
  assert.equal(detailOf(ev({ latency_ms: 0 })), null);
  assert.equal(detailOf(ev({ amount: -5 })), '/amount: minimum');
  assert.equal(detailOf(ev({ tags: ['a', 42] })), '/tags/1: type');
  assert.equal(detailOf(ev({ tags: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] })), '/tags: maxItems');
  assert.equal(detailOf(ev({ user: undefined })), '/user: required');
  assert.equal(detailOf(ev({ user: { id: 'u' } })), '/user/country: required');
  assert.equal(detailOf(ev({ user: { id: '', country: 'DE' } })), '/user/id: minLength');
  assert.equal(detailOf(ev({ user: { id: 'u', country: 'DE', plan: 'gold' } })), '/user/plan: enum');
  assert.equal(detailOf(ev({ payload: [] })), '/payload: type');
  assert.equal(detailOf(ev({ url: 'x'.repeat(2049) })), '/url: maxLength');
  assert.equal(detailOf(ev({ url: 'x'.repeat(2048) })), null);
  assert.equal(detailOf(ev({ unknown_field: { anything: [1] } })), null); // unknown properties allowed
  // JSON Pointer escaping of the property names in the path
  assert.equal(ref.validationDetail({ keyword: 'required', instancePath: '', params: { missingProperty: 'a/b~c' } }), '/a~1b~0c: required');
});

test('validate: integer is a number with no fractional part', () => {
  const t = Date.parse('2026-11-26T00:00:00Z');
  const rec = (tsText) => JSON.stringify(ev({ ts: undefined })).replace(/}$/, `,"timestamp_ms":${tsText}}`);
  const { c, dead } = runLines([rec(`${t}.0`), rec(`${t / 1000}e3`), rec(`${t}.5`), rec(`"${t}"`), rec('-1'), rec('true')]);
  assert.equal(c.sum_count, 2);
  assert.deepEqual(dead.map((d) => d.detail), ['/timestamp_ms: type', '/timestamp_ms: type', '/timestamp_ms: minimum', '/timestamp_ms: type']);
});

test('validate: minLength/maxLength count code points', () => {
  const emoji = '\ud83d\ude00'; // one code point, two UTF-16 units
  assert.equal(detailOf(ev({ user: { id: emoji.repeat(64), country: 'DE' } })), null);
  assert.equal(detailOf(ev({ user: { id: emoji.repeat(65), country: 'DE' } })), '/user/id: maxLength');
  assert.equal(detailOf(ev({ user: { id: 'é'.repeat(64), country: 'DE' } })), null);
  assert.equal(detailOf(ev({ user_agent: '😀'.repeat(1024) })), null);
  assert.equal(detailOf(ev({ user_agent: '😀'.repeat(1025) })), '/user_agent: maxLength');
});

// ------------------------------------------------------------------ enrich

function enriched(over) {
  const r = normalized(ev(over));
  assert.ok(validate(r), JSON.stringify(validate.errors));
  ref.enrich(r, res);
  return r;
}

test('enrich: browser rules in order, major version from group 1', () => {
  const b = (ua) => { const r = enriched({ user_agent: ua }); return [r.browser, r.browser_major, r.os]; };
  assert.deepEqual(b('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91'), ['edge', 120, 'windows']);
  assert.deepEqual(b('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0'), ['opera', 106, 'windows']);
  assert.deepEqual(b('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36'), ['chrome', 120, 'android']);
  assert.deepEqual(b('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101 Firefox/120.0'), ['firefox', 120, 'macos']);
  assert.deepEqual(b('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'), ['safari', 17, 'ios']);
  assert.deepEqual(b('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15'), ['safari', 17, 'macos']);
  assert.deepEqual(b('Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'), ['chrome', 120, 'chromeos']);
  assert.deepEqual(b('Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0'), ['firefox', 115, 'linux']);
  assert.deepEqual(b('Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)'), ['other', 0, 'other']);
  assert.deepEqual(b('Chrome/007'), ['chrome', 7, 'other']);
  assert.deepEqual(b('Chrome/x Firefox/3'), ['firefox', 3, 'other']);
  assert.deepEqual(b('Version/16.6 Safari/'), ['safari', 16, 'other']);
  assert.deepEqual(b('Version/16.6 Mobile/15E148 Safari/604.1'), ['safari', 16, 'other']);
  assert.deepEqual(b('Version/16.6 Mobile/ Safari/'), ['other', 0, 'other']);
  // RE2's \S is [^\t\n\f\r ]: it takes U+00A0 and \v, which JavaScript's \S refuses
  assert.deepEqual(b('Version/17.1 Mobile/15E\u00a0148 Safari/604.1'), ['safari', 17, 'other']);
  assert.deepEqual(b('Version/17.1 Mobile/15E\u000b148 Safari/604.1'), ['safari', 17, 'other']);
  assert.deepEqual(b('Version/17.1 Mobile/15E\t148 Safari/604.1'), ['other', 0, 'other']);
  // No digit class surprises: \d is ASCII in both
  assert.deepEqual(b('Chrome/\u0661\u0662'), ['other', 0, 'other']);
  const none = enriched({ user_agent: undefined });
  assert.deepEqual([none.browser, none.browser_major, none.os], ['other', 0, 'other']);
});

test('enrich: bot rule is case-insensitive with Unicode case folding, and filters', () => {
  const browser = (ua) => enriched({ user_agent: ua }).browser;
  for (const ua of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'curl/8.4.0', 'CURL/8', 'python-requests/2.31.0',
    'PYTHON-REQUESTS/2', 'okhttp/4.12.0', 'x CrAwLeR y', 'Spider', 'Chrome/120 bot', 'robot',
    'python-reque\u017fts/1', // LATIN SMALL LETTER LONG S folds to s in RE2's (?i)
    'o\u212ahttp/4']) { // KELVIN SIGN folds to k
    assert.equal(browser(ua), 'bot', ua);
  }
  assert.equal(browser('curl 8'), 'other');
  const { c, rows } = runLines([line({ user_agent: 'curl/8.4.0' }), line()]);
  assert.equal(c.filtered, 1);
  assert.equal(c.sum_count, 1);
  assert.equal(rows.length, 1);
});

test('enrich: url_host and url_path', () => {
  const u = (url) => { const r = enriched({ url }); return [r.url_host, r.url_path]; };
  assert.deepEqual(u('https://shop.example.com/p/1'), ['shop.example.com', '/p/1']);
  assert.deepEqual(u('https://shop.example.com'), ['shop.example.com', '/']);
  assert.deepEqual(u('http://h:8080?q=1'), ['h:8080', '/']);
  assert.deepEqual(u('https://h/search?q=a+1#r2'), ['h', '/search']);
  assert.deepEqual(u('https://h/c/promo#r1'), ['h', '/c/promo']);
  assert.deepEqual(u('https://u@h/a/b/'), ['u@h', '/a/b/']);
  assert.deepEqual(u('HTTPS://h/'), ['', '']);
  assert.deepEqual(u('ftp://h/x'), ['', '']);
  assert.deepEqual(u('https:///x'), ['', '']);
  assert.deepEqual(u(' https://h/x'), ['', '']);
  assert.deepEqual(u('https://h\n/x'), ['h\n', '/x']);
  assert.deepEqual(u(undefined), ['', '']);
});

test('enrich: region from regions.csv by country', () => {
  const region = (country) => enriched({ user: { id: 'u', country } }).region;
  assert.equal(region('US'), 'NA');
  assert.equal(region(' de '), 'EMEA');
  assert.equal(region('br'), 'LATAM');
  assert.equal(region('XK'), 'unknown');
  assert.equal(region('AQ'), 'unknown');
});

test('RE2 translation', () => {
  assert.equal(ref.re2ToRegExp('(?i)a.b').flags, 'iu');
  assert.ok(ref.re2ToRegExp('a.b').test('a\rb')); // RE2's . takes \r and U+2028
  assert.ok(ref.re2ToRegExp('a.b').test('a\u2028b'));
  assert.ok(!ref.re2ToRegExp('a.b').test('a\nb'));
  assert.ok(ref.re2ToRegExp('[.\\d]+x').test('1.2x'));
  assert.ok(!ref.re2ToRegExp('\\s').test('\u00a0'));
  assert.ok(!ref.re2ToRegExp('\\s').test('\v'));
  assert.ok(ref.re2ToRegExp('\\x{41}').test('A'));
  assert.ok(ref.re2ToRegExp('a\\-b\\_').test('a-b_'));
  assert.equal(ref.re2ToRegExp('(?P<v>\\d+)').exec('x12').groups.v, '12');
  assert.ok(ref.re2ToRegExp('\\Aab\\z').test('ab'));
  assert.ok(!ref.re2ToRegExp('\\Aab\\z').test('ab\n'));
  assert.throws(() => ref.re2ToRegExp('(?s)x'));
});

// ------------------------------------------------------------------ aggregate

const T0 = Date.parse('2026-11-26T00:00:00Z'); // a multiple of 60000
const at = (ms, over = {}) => line({ ts: undefined, timestamp_ms: T0 + ms, ...over });

test('aggregate: late when window_start + 70000 <= max_ts, max_ts over records that reached the stage', () => {
  const { c, dead, rows } = runLines([
    at(130000), // window 120000, max 130000
    at(59999), // window 0: 70000 <= 130000: late
    at(60000), // window 60000: 130000 <= 130000: late (boundary included)
    at(60001, { user_agent: 'curl/8' }), // filtered: does not reach the aggregate stage
    at(999999999, { user_agent: 'curl/8' }), // filtered: its ts must not move max_ts
    at(999999999, { latency_ms: -1 }), // invalid: neither
    at(120000), // on time
  ]);
  assert.equal(c.late, 2);
  assert.equal(c.filtered, 2);
  assert.equal(c.validation_error, 1);
  assert.equal(c.sum_count, 2);
  assert.deepEqual(dead.filter((d) => d.reason === 'late').map((d) => [d.line, d.stage]), [[2, 'aggregate'], [3, 'aggregate']]);
  assert.deepEqual(rows.map((r) => [r.window_start - T0, r.count]), [[120000, 2]]);

  // one ms less and the window is still open
  assert.equal(runLines([at(129999), at(60000)]).c.late, 0);
  // late records count among those that reached the stage; they cannot raise max_ts anyway
  assert.equal(runLines([at(200000), at(0), at(180000), at(60000)]).c.late, 2);
  // windows before the epoch are not possible (minimum 0), window 0 works
  const w0 = runLines([line({ ts: undefined, timestamp_ms: 0 }), line({ ts: undefined, timestamp_ms: 59999 })]);
  assert.deepEqual(w0.rows.map((r) => [r.window_start, r.count]), [[0, 2]]);
});

test('aggregate: groups and metrics, exact nearest-rank percentiles', () => {
  const lines = [];
  for (let i = 20; i >= 1; i--) lines.push(at(1000 + i, { latency_ms: i, event_type: 'purchase', amount: i === 1 ? undefined : 0.1 }));
  lines.push(at(2000, { latency_ms: 7.5, event_type: 'Purchase', user: { id: 'u', country: 'us' } })); // other region
  lines.push(at(3000, { latency_ms: 5, user_agent: 'Firefox/3' })); // other browser
  lines.push(at(61000, { latency_ms: 1, event_type: 'purchase' })); // next window
  const { rows } = runLines(lines);
  const key = (r) => [r.window_start - T0, r.event_type, r.region, r.browser].join('|');
  const byKey = new Map(rows.map((r) => [key(r), r]));
  assert.equal(rows.length, 4);
  const g = byKey.get('0|purchase|EMEA|chrome');
  assert.equal(g.count, 20);
  assert.equal(g.amount_sum, [...Array(19)].reduce((s) => s + 0.1, 0)); // missing amount adds 0; input order
  assert.equal(g.latency_min, 1);
  assert.equal(g.latency_max, 20);
  assert.equal(g.latency_avg, 10.5);
  assert.equal(g.latency_p50, 10); // rank ceil(0.5*20) = 10
  assert.equal(g.latency_p95, 19); // rank 19, not 20 (0.95*20 = 19.000000000000004 in doubles)
  assert.equal(g.latency_p99, 20); // rank ceil(19.8) = 20
  const one = byKey.get('0|purchase|NA|chrome');
  assert.deepEqual([one.count, one.amount_sum, one.latency_min, one.latency_max, one.latency_avg, one.latency_p50, one.latency_p95, one.latency_p99], [1, 0, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5]);
  assert.ok(byKey.has('0|click|EMEA|firefox'));
  assert.ok(byKey.has('60000|purchase|EMEA|chrome'));

  // ranks for other counts: 100 -> 50, 95, 99; 101 -> 51, 96, 100; 3 -> 2, 3, 3
  const pct = (n) => {
    const g2 = { window_start: 0, event_type: 'x', region: 'r', browser: 'b', count: n, amount_sum: 0, latency_min: 1, latency_max: n, latency_sum: 0, latencies: [...Array(n)].map((_, i) => n - i) };
    const r = ref.toRow(g2);
    return [r.latency_p50, r.latency_p95, r.latency_p99];
  };
  assert.deepEqual(pct(100), [50, 95, 99]);
  assert.deepEqual(pct(101), [51, 96, 100]);
  assert.deepEqual(pct(3), [2, 3, 3]);
  assert.deepEqual(pct(1), [1, 1, 1]);
  for (let n = 1; n <= 2000; n++) {
    const [p50, p95, p99] = pct(n);
    assert.deepEqual([p50, p95, p99], [Math.ceil(n / 2), Math.ceil((95 * n) / 100), Math.ceil((99 * n) / 100)]);
    // the same ranks by exact integer arithmetic
    assert.equal(p95, Math.floor((95 * n + 99) / 100));
  }
  // sorting is numeric, not lexicographic
  const g3 = { window_start: 0, event_type: 'x', region: 'r', browser: 'b', count: 3, amount_sum: 0, latency_min: 2, latency_max: 100, latency_sum: 0, latencies: [100, 9, 2] };
  assert.equal(ref.toRow(g3).latency_p50, 9);
});

test('aggregate: closing windows early gives the same rows as closing all at the end', () => {
  const lines = [];
  for (let i = 0; i < 3000; i++) lines.push(at(i * 97 - (i % 7 === 0 ? 65000 : 0), { latency_ms: (i * 37) % 101 }));
  const { c, rows } = runLines(lines);
  // recompute naively
  const groups = new Map();
  let max = -Infinity;
  let late = 0;
  for (const l of lines) {
    const t = JSON.parse(l).timestamp_ms;
    const ws = Math.floor(t / 60000) * 60000;
    if (ws + 70000 <= max) { late++; continue; }
    max = Math.max(max, t);
    groups.set(ws, (groups.get(ws) || 0) + 1);
  }
  assert.equal(c.late, late);
  assert.ok(late > 0);
  assert.deepEqual(new Map(rows.map((r) => [r.window_start, r.count])), groups);
});

// ------------------------------------------------------------------ end to end

test('end to end: SQLite table, dead-letter NDJSON, summary, balance', async () => {
  const dir = tmpdir();
  const input = path.join(dir, 'in.ndjson');
  const db = path.join(dir, 'out.db');
  const deadFile = path.join(dir, 'dead.ndjson');
  const lines = [at(1000, { latency_ms: 3, amount: 2.5 }), '', at(2000, { latency_ms: 1 }), 'garbage\r', at(3000, { id: 'x' }),
    at(4000, { user_agent: 'curl/1' }), at(200000), at(5000), '  '];
  fs.writeFileSync(input, lines.join('\r\n'));
  const s = await ref.run({ input, db, dead: deadFile });
  assert.deepEqual([s.records_in, s.parse_error, s.validation_error, s.filtered, s.late, s.sum_count, s.rows, s.lines, s.blank_lines, s.balance_ok],
    [7, 1, 1, 1, 1, 3, 2, 9, 2, true]);
  assert.ok(s.peak_rss_bytes > 0 && s.records_per_second > 0);

  const d = fs.readFileSync(deadFile, 'utf8').split('\n');
  assert.equal(d.pop(), '');
  const dl = d.map((l) => JSON.parse(l));
  assert.deepEqual(dl.map((x) => [x.reason, x.stage, x.line, x.raw]), [
    ['parse_error', 'parse', 4, 'garbage\r'], // the line is "garbage\r\r": one \r stays
    ['validation_error', 'validate', 5, lines[4]],
    ['late', 'aggregate', 8, lines[7]],
  ]);
  assert.equal(dl[1].detail, '/id: pattern');

  const conn = new Database(db, { readonly: true });
  const sql = conn.prepare("SELECT sql FROM sqlite_master WHERE name = 'metrics'").get().sql;
  assert.match(sql, /PRIMARY KEY \(window_start, event_type, region, browser\)/);
  const out = conn.prepare('SELECT *, typeof(window_start) tw, typeof(count) tc, typeof(amount_sum) ta, typeof(latency_p50) tp FROM metrics ORDER BY window_start').all();
  conn.close();
  assert.equal(out.length, 2);
  assert.deepEqual({ ...out[0] }, {
    window_start: T0, event_type: 'click', region: 'EMEA', browser: 'chrome', count: 2, amount_sum: 2.5,
    latency_min: 1, latency_max: 3, latency_avg: 2, latency_p50: 1, latency_p95: 3, latency_p99: 3,
    tw: 'integer', tc: 'integer', ta: 'real', tp: 'real',
  });
  assert.equal(out[1].window_start, T0 + 180000);

  // a second run upserts: same rows, no duplicates
  await ref.run({ input, db, dead: deadFile });
  const conn2 = new Database(db, { readonly: true });
  assert.equal(conn2.prepare('SELECT count(*) n FROM metrics').get().n, 2);
  conn2.close();
  fs.rmSync(dir, { recursive: true });
});

test('command line: prints one JSON summary line; generated data balances', { skip: !fs.existsSync(path.join(path.dirname(files.schema), 'gen_events.py')) && !fs.existsSync('/work/shared/reference/gen_events.py') }, () => {
  const gen = [path.join(path.dirname(files.schema), 'gen_events.py'), '/work/shared/reference/gen_events.py'].find((f) => fs.existsSync(f));
  const dir = tmpdir();
  const input = path.join(dir, 'ev.ndjson');
  fs.writeFileSync(input, execFileSync('python3', [gen, '--records', '3000', '--seed', '7'], { maxBuffer: 1 << 30 }));
  const out = execFileSync(process.execPath, [path.join(__dirname, 'reference.js'), '--input', input, '--db', path.join(dir, 'o.db'), '--dead', path.join(dir, 'd.ndjson')], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 1);
  const s = JSON.parse(lines[0]);
  assert.equal(s.records_in, 3000);
  assert.equal(s.records_in, s.parse_error + s.validation_error + s.filtered + s.late + s.sum_count);
  assert.ok(s.parse_error > 0 && s.validation_error > 0 && s.filtered > 0 && s.sum_count > 0);
  const dead = fs.readFileSync(path.join(dir, 'd.ndjson'), 'utf8').trim().split('\n');
  assert.equal(dead.length, s.parse_error + s.validation_error + s.late);
  const conn = new Database(path.join(dir, 'o.db'), { readonly: true });
  const t = conn.prepare('SELECT count(*) n, sum(count) c FROM metrics').get();
  conn.close();
  assert.deepEqual([t.n, t.c], [s.rows, s.sum_count]);
  fs.rmSync(dir, { recursive: true });
});
