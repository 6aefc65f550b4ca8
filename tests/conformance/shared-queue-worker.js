// The worker side of the shared cases (shared-queue-cases.js), for any runtime with
// Web Workers: Deno, Bun, Chromium, Firefox. It attaches to the queue it is
// posted, plays one role, and posts back what it saw (or the error it hit).
// A browser worker does not see its page's import map, so a page passes the
// URL "rustqueue" resolved to as `rustqueueUrl`; elsewhere the name resolves.
let MessageQueue;

const decoder = new TextDecoder();

function run({ role, handle, replyHandle, count, id, perProducer }) {
  const queue = MessageQueue.attach(handle);
  switch (role) {
    case "describe":
      return { capacity: queue.capacity, maxMessageSize: queue.maxMessageSize, first: queue.readText() };
    case "produce":
      for (let i = 0; i < count; i++) queue.sendSync(`message ${i}`, { timeout: 20000 });
      return { sent: count };
    case "echo": {
      const reply = MessageQueue.attach(replyHandle);
      const buffer = new Uint8Array(queue.maxMessageSize);
      let echoed = 0;
      for (let n; (n = queue.receiveIntoSync(buffer, { timeout: 20000 })) !== null; echoed++) {
        reply.sendSync(buffer.subarray(0, n), { timeout: 20000 });
      }
      reply.close();
      return { echoed };
    }
    case "close":
      queue.close();
      return { closed: true };
    case "storm-producer": {
      for (let seq = 0; seq < perProducer; seq++) queue.sendSync(`${id}:${seq}`, { timeout: 20000 });
      return { sent: perProducer };
    }
    case "storm-consumer": {
      const last = {};
      const received = [];
      const errors = [];
      for (let m; (m = queue.receiveSync({ timeout: 20000 })) !== null;) {
        const [producer, seq] = decoder.decode(m).split(":").map(Number);
        if (last[producer] !== undefined && seq <= last[producer]) errors.push(`order ${producer}:${seq}`);
        last[producer] = seq;
        received.push(producer * perProducer + seq);
      }
      return { received, errors };
    }
    default:
      throw new Error(`unknown role ${role}`);
  }
}

self.onmessage = async (event) => {
  try {
    ({ MessageQueue } = await import(event.data.rustqueueUrl ?? "rustqueue"));
    self.postMessage({ ok: true, ...run(event.data) });
  } catch (error) {
    self.postMessage({ ok: false, error: `${error.name}: ${error.message}`, code: error.code });
  }
};
