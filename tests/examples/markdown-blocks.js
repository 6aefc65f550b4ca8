// The fenced code blocks of a Markdown file, each with the marker on the line
// before it, if any: `<!-- example: runs in node, deno; prints TEXT -->` (`prints` last:
// TEXT is the rest of the marker),
// `<!-- example: file NAME -->`, `<!-- example: fragment -->`,
// `<!-- example: skip WHY -->` (docs/testing.md describes them).

const MARKER = /^<!--\s*example:\s*(.*?)\s*-->$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;

/** [{ line, language, code, marker }], where `marker` is the parsed marker or null. */
export function codeBlocks(markdown) {
  const lines = markdown.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, language] = open;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) body.push(lines[i].slice(indent.length));
    const previous = start > 0 ? MARKER.exec(lines[start - 1].trim()) : null;
    blocks.push({ line: start + 1, language: language.toLowerCase(), code: `${body.join("\n")}\n`, marker: previous ? parseMarker(previous[1]) : null });
  }
  return blocks;
}

/** `runs in node, deno; prints hello` → { runtimes: ["node", "deno"], prints: "hello" }. */
export function parseMarker(text) {
  const marker = { runtimes: null, prints: null, file: null, fragment: false, skip: null };
  // `skip WHY` takes the rest of the marker, whatever punctuation WHY has.
  const skip = /^skip\b\s*(.*)$/s.exec(text);
  if (skip) return { ...marker, skip: skip[1] || "marked skip" };
  // `prints TEXT` comes last and takes the rest of the marker too.
  const prints = /(?:^|;\s*)prints (.+)$/s.exec(text);
  if (prints) {
    marker.prints = prints[1];
    text = text.slice(0, prints.index);
  }
  for (const clause of text.split(";").map((part) => part.trim()).filter(Boolean)) {
    let match;
    if ((match = /^runs in (.+)$/.exec(clause))) marker.runtimes = match[1].split(/[\s,]+/).filter(Boolean);
    else if ((match = /^file (\S+)$/.exec(clause))) marker.file = match[1];
    else if (clause === "fragment") marker.fragment = true;
    else throw new Error(`unknown clause in an example marker: "${clause}"`);
  }
  return marker;
}
