// Validates HTML files with html-validate's library and prints its report.
//
//   node htmlvalidate.mjs CONFIG FILE...
//
// The html-validate command cannot be used directly: on Node.js 20, which Debian and our
// machines have, version 11 of it stops at its first step (it lists files with fs.globSync,
// which Node.js added in version 22). Its library works, and this is all the command adds.
import { readFileSync } from "node:fs";
import { HtmlValidate, StaticConfigLoader, formatterFactory } from "html-validate";

const [configPath, ...files] = process.argv.slice(2);
if (!configPath || files.length === 0) {
  process.stderr.write("usage: node htmlvalidate.mjs CONFIG FILE...\n");
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, "utf8"));
const validator = new HtmlValidate(new StaticConfigLoader(config));
const report = await validator.validateMultipleFiles(files);
process.stdout.write(formatterFactory("text")(report.results));
process.exitCode = report.valid ? 0 : 1;
