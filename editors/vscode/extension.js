// The crmdsl extension: starts `crmdsl lsp` for .crm files through vscode-languageclient.
// In: the settings crmdsl.server.path and crmdsl.server.args. Out: a running language
// client, restarted by the command "crmdsl: Restart the language server" and stopped
// when VS Code deactivates the extension.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { serverCommand } = require("./server-command");

let client;

function createClient() {
  const folders = vscode.workspace.workspaceFolders;
  const folder = folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  const { command, args } = serverCommand(vscode.workspace.getConfiguration("crmdsl"), folder);
  const run = { command, args, options: folder ? { cwd: folder } : {} };
  return new LanguageClient(
    "crmdsl",
    "crmdsl",
    { run, debug: run },
    {
      documentSelector: [{ language: "crmdsl" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.crm") },
    },
  );
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const { command } = serverCommand(vscode.workspace.getConfiguration("crmdsl"));
    vscode.window.showErrorMessage(
      `crmdsl: could not start the language server with "${command}" (${error.message || error}). ` +
        "Install it with pip install 'crmdsl[lsp]' or set crmdsl.server.path.",
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    if (running.isRunning()) {
      await running.stop();
    }
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("crmdsl.restartServer", async () => {
      await stop();
      await start();
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
