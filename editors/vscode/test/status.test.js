'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { formatStatus } = require('../out/status');

test('formatStatus shows model, spend and in-flight count', () => {
  const v = formatStatus({ model: 'fast', spend_today_usd: 0.01234, in_flight: 2, breakers: { fast: 'closed' } });
  assert.match(v.text, /fast \$0\.0123/);
  assert.match(v.text, /2$/);
  assert.strictEqual(v.warning, false);
});

test('formatStatus warns when a breaker is open', () => {
  const v = formatStatus({ model: 'reasoning', breakers: { fast: 'open' } });
  assert.strictEqual(v.warning, true);
  assert.match(v.tooltip, /Breaker open: fast/);
});

test('formatStatus before any request', () => {
  assert.match(formatStatus(undefined).text, /switchboard/);
});

test('formatStatus shows a null model as a dash', () => {
  assert.match(formatStatus({ model: null, in_flight: 0 }).text, / -$/);
});

test('formatStatus reads the snake_case names only', () => {
  // docs/lsp.md: one spelling; the camelCase aliases the extension once read are gone.
  const v = formatStatus({ lastModel: 'fast', inFlight: 1, spendToday: 0.5 });
  assert.match(v.text, / -$/);
  assert.match(v.tooltip, /In flight: 0/);
  assert.match(v.tooltip, /Spend today: n\/a/);
});

test('formatStatus shows pins and the inline switch', () => {
  const v = formatStatus({ model: 'fast', pins: [{ task: 'refactor', model: 'reasoning' }, { task: 'inline', language: 'c', model: 'fast' }], inline_enabled: false });
  assert.match(v.text, /\$\(pinned\) 2/);
  assert.match(v.text, /inline off$/);
  assert.match(v.tooltip, /Pinned: refactor → reasoning/);
  assert.match(v.tooltip, /Pinned: inline\/c → fast/);
  assert.match(v.tooltip, /Inline suggestions: off \(click to turn on\)/);
  const on = formatStatus({ model: 'fast', pins: [], inline_enabled: true });
  assert.doesNotMatch(on.text, /pinned|inline off/);
});

test('pinChoices lists each target with local or cloud, cost and share kept', () => {
  const { pinChoices } = require('../out/pin');
  const c = pinChoices({
    targets: [{ model: 'fast', local: false, estimated_cost_usd: 0.00012 },
      { model: 'offline', local: true, estimated_cost_usd: 0, pinned: true },
      { model: 'gpt', skipped: true, code: 'no-key', reason: 'no key: OPENAI_API_KEY is not set' }],
    adaptive: { estimates: [{ model: 'fast', answers: 10, accepted: 7 }] },
  });
  assert.deepStrictEqual(c.map((x) => x.model), ['fast', 'offline', 'gpt']);
  assert.strictEqual(c[0].description, 'cloud · ~$0.0001 · 70% kept');
  assert.strictEqual(c[1].description, 'local · ~$0.0000 · pinned');
  assert.match(c[2].detail, /no key/);
  assert.deepStrictEqual(pinChoices(undefined), []);
});
