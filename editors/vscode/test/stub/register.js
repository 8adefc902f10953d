// Makes require('vscode') (and, when asked, 'vscode-languageclient/node') resolve to
// stubs so the extension runs under plain node without downloading VS Code.
'use strict';
const Module = require('module');
const path = require('path');

const stubs = { vscode: path.join(__dirname, 'vscode.js') };
const original = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (Object.prototype.hasOwnProperty.call(stubs, request)) return stubs[request];
  return original.call(this, request, parent, ...rest);
};

module.exports = {
  stub(request, file) { stubs[request] = file; },
};
