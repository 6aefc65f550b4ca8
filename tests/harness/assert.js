// The harness's assertions. Here, in the work tree, they are uvu's own; in the
// packed project, which has no uvu installed, tests/support/packed-project.js
// writes over this file one bundled file of uvu/assert that loads in any runtime.
export * from "uvu/assert";
