// Colour a .crm file with the extension's grammar through the same TextMate engine as
// VS Code (vscode-textmate with the Oniguruma regex engine, vscode-oniguruma).
// In: the path of a .crm file. Out (stdout): JSON, one array per line of the file, of
// tokens [text, innermost scope]; exit 1 when the grammar does not load.
"use strict";

const fs = require("fs");
const path = require("path");
const oniguruma = require("vscode-oniguruma");
const textmate = require("vscode-textmate");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "crmdsl.tmLanguage.json");

async function main(file) {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      scope === "source.crmdsl"
        ? textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR)
        : null,
  });
  const grammar = await registry.loadGrammar("source.crmdsl");
  let stack = textmate.INITIAL;
  const out = [];
  for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
    const result = grammar.tokenizeLine(line, stack);
    out.push(
      result.tokens.map((token) => [
        line.slice(token.startIndex, token.endIndex),
        token.scopes[token.scopes.length - 1],
      ]),
    );
    stack = result.ruleStack;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
