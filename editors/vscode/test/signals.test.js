'use strict';
// The inline signal methods put on the language client's provider (src/signals.ts).
const test = require('node:test');
const assert = require('node:assert');
const { addSignals, attemptOf, codePoints } = require('../out/signals');

function item(id, insertText) {
  return { insertText, command: { command: 'switchboard.accept', arguments: [id, 'fast'] } };
}

test('shown is sent once per attempt; items without the accept command are not reported', () => {
  const sent = [];
  const p = addSignals({ provideInlineCompletionItems() {} }, (c, a) => sent.push([c, ...a]));
  assert.strictEqual(typeof p.provideInlineCompletionItems, 'function');
  p.handleDidShowCompletionItem(item('a-1', 'x + 1'));
  p.handleDidShowCompletionItem(item('a-1', 'x + 1'));
  p.handleDidShowCompletionItem({ insertText: 'y', command: { command: 'other', arguments: ['z'] } });
  assert.deepStrictEqual(sent, [['switchboard.shown', 'a-1']]);
  assert.strictEqual(attemptOf({}), undefined);
});

test('partial accept counts characters, cumulative and increasing only', () => {
  const sent = [];
  const p = addSignals({}, (c, a) => sent.push([c, ...a]));
  const it = item('a-2', 'é😀 = value');        // the emoji is two UTF-16 units
  p.handleDidPartiallyAcceptCompletionItem(it, 3);                  // "é😀"
  p.handleDidPartiallyAcceptCompletionItem(it, { acceptedLength: 5 });  // "é😀 ="
  p.handleDidPartiallyAcceptCompletionItem(it, 2);                  // shorter: ignored
  assert.deepStrictEqual(sent, [['switchboard.partialAccept', 'a-2', 2], ['switchboard.partialAccept', 'a-2', 4]]);
  assert.strictEqual(codePoints('ab', 10), 2);
});

test('end of lifetime: rejected is sent, accepted and ignored are not, nor after a partial', () => {
  const sent = [];
  const p = addSignals({}, (c, a) => sent.push([c, ...a]));
  p.handleEndOfLifetime(item('a-3', 'v'), { kind: 1 });
  p.handleEndOfLifetime(item('a-4', 'v'), { kind: 0 });
  p.handleEndOfLifetime(item('a-5', 'v'), { kind: 2 });
  p.handleDidPartiallyAcceptCompletionItem(item('a-6', 'vw'), 1);
  p.handleEndOfLifetime(item('a-6', 'vw'), { kind: 1 });
  assert.deepStrictEqual(sent, [['switchboard.rejected', 'a-3'], ['switchboard.partialAccept', 'a-6', 1]]);
});
