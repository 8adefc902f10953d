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
