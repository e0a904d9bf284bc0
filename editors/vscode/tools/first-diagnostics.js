// Start the language server exactly as the extension does with its default settings
// (server-command.js), over the same protocol library as vscode-languageclient, open a
// .crm file and print the first non-empty diagnostics published for it.
// In: the path of a .crm file (the server starts in its folder). Out (stdout): JSON
// [{line, code, message}] (0-based lines); exit 1 when none arrive within 30 s.
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const rpc = require("vscode-languageserver-protocol/node");
const { serverCommand } = require("../server-command");

async function main(file) {
  const folder = path.dirname(path.resolve(file));
  const { command, args } = serverCommand({ get: (_key, fallback) => fallback }, folder);
  const server = spawn(command, args, { cwd: folder, stdio: ["pipe", "pipe", "inherit"] });
  const connection = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  const uri = pathToFileURL(path.resolve(file)).href;
  const arrived = new Promise((resolve) => {
    connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {
      if (params.uri === uri && params.diagnostics.length > 0) resolve(params.diagnostics);
    });
  });
  connection.listen();
  const root = pathToFileURL(folder).href;
  await connection.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: "maps" }],
    capabilities: {},
  });
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "crmdsl", version: 1, text: fs.readFileSync(file, "utf8") },
  });
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error("no diagnostics within 30 s")), 30000).unref(),
  );
  const diagnostics = await Promise.race([arrived, timeout]);
  const out = diagnostics.map((d) => ({ line: d.range.start.line, code: d.code, message: d.message }));
  process.stdout.write(JSON.stringify(out) + "\n");
  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  await new Promise((resolve) => server.on("exit", resolve));
  connection.dispose();
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
