// How a queue or an error reads in a log: `String(x)` and what `console.log(x)`
// prints in Node, Deno and Bun, which look for a method under this symbol.

/** The key under which Node's `util.inspect` (and Deno's and Bun's consoles) find an object's own view of itself. */
export const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

/** `Name { key: value, … }`, as `util.inspect` would print the plain object. */
export function summary(name: string, fields: Record<string, number | boolean>): string {
  return `${name} { ${Object.entries(fields).map(([key, value]) => `${key}: ${value}`).join(", ")} }`;
}
