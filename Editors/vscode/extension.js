// Starts `tilt lsp` for .tilt files (diagnostics as you type, hover, completion, go to definition,
// formatting, semantic highlighting); the TextMate grammar colours the file before the server answers.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('tilt').get('path') || 'tilt';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('tilt', 'Tilt', server, { documentSelector: [{ scheme: 'file', language: 'tilt' }] });
  client.start();
  context.subscriptions.push(client);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
