// The package's two builds as the bundler suites import them: by name, as an
// application does. Named imports matter here: a tree-shaking bundler (Rollup,
// Vite's build, webpack) keeps a module only for what is imported from it, so
// this is where an entry's registration of its core could be dropped.
import { MessageQueue, QueueError, QueueReader } from "rustqueue";
import { MessageQueue as DebugMessageQueue, QueueError as DebugQueueError, QueueReader as DebugQueueReader } from "rustqueue/debug";

export const builds = {
  release: { MessageQueue, QueueError, QueueReader },
  debug: { MessageQueue: DebugMessageQueue, QueueError: DebugQueueError, QueueReader: DebugQueueReader },
};
