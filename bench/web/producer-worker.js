// The producer of the browser bench, a module worker: imports rustqueue from the
// URL the page's import map resolved, says it is ready, blocks on the shared
// start word, then sends `count` messages of `size` bytes from one reused
// array: with sendSync into the page's shared queue, or with postMessage to the page.
self.onmessage = async ({ data }) => {
  try {
    const { rustqueueUrl, kind, size, count, start, handle } = data;
    const { MessageQueue } = await import(rustqueueUrl);
    const queue = kind === "postMessage" ? null : MessageQueue.attach(handle);
    const source = new Uint8Array(size);
    for (let i = 0; i < size; i++) source[i] = (i * 31 + 7) & 0xff;
    const startWord = new Int32Array(start);
    self.postMessage({ ready: true });
    Atomics.wait(startWord, 0, 0);
    if (queue) for (let i = 0; i < count; i++) queue.sendSync(source);
    else for (let i = 0; i < count; i++) self.postMessage(source);
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
