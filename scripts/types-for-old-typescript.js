// Writes dist/ts5.6/: a copy of the public .d.ts files for TypeScript 5.0–5.6,
// where Uint8Array is not generic. The messages the API hands out are typed
// `Uint8Array<ArrayBuffer>` (fresh, never shared memory), which TypeScript ≥ 5.7
// needs for `new Blob([message])` and the like, and which older compilers reject
// ("Type 'Uint8Array' is not generic"). package.json sends them here with the
// `types@<5.7` export conditions and `typesVersions`. Run by `npm run build`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const OLD_TYPES = "dist/ts5.6";
rmSync(OLD_TYPES, { recursive: true, force: true });
mkdirSync(OLD_TYPES, { recursive: true });
// The main entries' files, and rustqueue/nats's beside them (its imports of "../x.js" stay within the copy).
for (const folder of ["", "nats/"]) {
  mkdirSync(`${OLD_TYPES}/${folder}`, { recursive: true });
  for (const name of readdirSync(`dist/${folder}`).filter((file) => file.endsWith(".d.ts"))) {
    const types = readFileSync(`dist/${folder}${name}`, "utf8").replaceAll(/\b(Uint8Array)<ArrayBuffer(?:Like)?>/g, "$1");
    writeFileSync(`${OLD_TYPES}/${folder}${name}`, types);
  }
}
