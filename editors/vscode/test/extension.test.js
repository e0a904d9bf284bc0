// extension.js against a stand-in `vscode` module and language client: which command it
// starts from the settings, the restart command, the message when the server fails.
// Run: node --test test/
"use strict";

const assert = require("node:assert/strict");
const Module = require("node:module");
const path = require("node:path");
const test = require("node:test");

function fakes(settings, failStart = false) {
  const seen = { clients: [], errors: [], commands: {}, stopped: 0 };
  class LanguageClient {
    constructor(id, name, server, client) {
      Object.assign(this, { id, name, server, client, running: false });
      seen.clients.push(this);
    }
    async start() {
      if (failStart) throw new Error("spawn crmdsl ENOENT");
      this.running = true;
    }
    isRunning() {
      return this.running;
    }
    async stop() {
      this.running = false;
      seen.stopped += 1;
    }
  }
  const vscode = {
    workspace: {
      workspaceFolders: [{ uri: { fsPath: "/work/space" } }],
      getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
      createFileSystemWatcher: (glob) => ({ glob }),
    },
    window: { showErrorMessage: (text) => seen.errors.push(text) },
    commands: {
      registerCommand: (name, run) => {
        seen.commands[name] = run;
        return { dispose() {} };
      },
    },
  };
  return { seen, modules: { vscode, "vscode-languageclient/node": { LanguageClient } } };
}

function load(modules) {
  const file = require.resolve(path.join(__dirname, "..", "extension.js"));
  delete require.cache[file];
  const original = Module._load;
  Module._load = function (request, ...rest) {
    return request in modules ? modules[request] : original.call(this, request, ...rest);
  };
  try {
    return require(file);
  } finally {
    Module._load = original;
  }
}

test("starts `crmdsl lsp` for crmdsl documents by default", async () => {
  const { seen, modules } = fakes({});
  const extension = load(modules);
  await extension.activate({ subscriptions: [] });
  assert.equal(seen.clients.length, 1);
  const client = seen.clients[0];
  assert.deepEqual(client.server.run.command, "crmdsl");
  assert.deepEqual(client.server.run.args, ["lsp"]);
  assert.deepEqual(client.server.run.options, { cwd: "/work/space" });
  assert.deepEqual(client.client.documentSelector, [{ language: "crmdsl" }]);
  assert.equal(client.running, true);
  await extension.deactivate();
  assert.equal(client.running, false);
});

test("the server path setting expands ${workspaceFolder}", async () => {
  const { seen, modules } = fakes({ "server.path": "${workspaceFolder}/.venv/bin/crmdsl" });
  await load(modules).activate({ subscriptions: [] });
  assert.equal(seen.clients[0].server.run.command, "/work/space/.venv/bin/crmdsl");
});

test("the restart command stops the server and starts a new one", async () => {
  const { seen, modules } = fakes({});
  await load(modules).activate({ subscriptions: [] });
  await seen.commands["crmdsl.restartServer"]();
  assert.equal(seen.stopped, 1);
  assert.equal(seen.clients.length, 2);
  assert.equal(seen.clients[1].running, true);
});

test("a server that cannot start is reported with the way to fix it", async () => {
  const { seen, modules } = fakes({ "server.path": "/nowhere/crmdsl" }, true);
  await load(modules).activate({ subscriptions: [] });
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /"\/nowhere\/crmdsl"/);
  assert.match(seen.errors[0], /pip install 'crmdsl\[lsp\]'/);
});
