// Shared queues across Node worker threads, and the waiting API (send, receive,
// their blocking forms, close, streams, iteration) on shared and unshared queues.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Worker } from "node:worker_threads";
import { once } from "node:events";
import { spawnSync } from "node:child_process";
import { MessageQueue, QueueError } from "rustqueue";

const workerUrl = new URL("./workers/echo.js", import.meta.url);
const text = (bytes) => new TextDecoder().decode(bytes);

function worker(workerData) {
  const w = new Worker(workerUrl, { workerData });
  w.on("error", (error) => { throw error; });
  return w;
}

async function rejectsWith(promise, check) {
  try {
    await promise;
  } catch (error) {
    check(error);
    return;
  }
  assert.unreachable("expected a rejection");
}

function throwsCode(fn, code) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof QueueError, String(error));
    assert.is(error.code, code);
    return error;
  }
  assert.unreachable(`expected QueueError ${code}`);
}

const threads = suite("shared queues between worker threads");

threads("a worker attaches by handle and sees the same queue", async () => {
  const q = new MessageQueue({ shared: true, capacity: 8, maxMessageSize: 64 });
  q.write("from main");
  const w = worker({ role: "describe", handle: q.handle });
  const [seen] = await once(w, "message");
  assert.equal(seen, { capacity: 8, maxMessageSize: 64, length: 1, first: "from main" });
  assert.is(q.length, 0);
});

threads("a producer worker and the main thread move 10,000 messages in order", async () => {
  const q = new MessageQueue({ shared: true, capacity: 4 });
  const w = worker({ role: "produce", handle: q.handle, count: 10000 });
  for (let i = 0; i < 10000; i++) assert.is(text(q.receiveSync({ timeout: 10000 })), `message ${i}`);
  await once(w, "message");
});

threads("the main thread produces, a consumer worker drains until close", async () => {
  const q = new MessageQueue({ shared: true, capacity: 2 });
  const w = worker({ role: "consume", handle: q.handle });
  for (let i = 0; i < 500; i++) await q.send(`message ${i}`, { timeout: 10000 });
  q.close();
  const [received] = await once(w, "message");
  assert.is(received.length, 500);
  assert.is(received[499], "message 499");
});

threads("an echo worker returns every message through a second queue", async () => {
  const requests = new MessageQueue({ shared: true });
  const replies = new MessageQueue({ shared: true });
  worker({ role: "echo", handle: requests.handle, replyHandle: replies.handle });
  const sent = Array.from({ length: 200 }, (_, i) => new Uint8Array(1 + (i * 37) % 4096).fill(i & 255));
  const receiving = (async () => {
    const got = [];
    for await (const message of replies) got.push(message);
    return got;
  })();
  for (const message of sent) await requests.send(message);
  requests.close();
  const got = await receiving;
  assert.is(got.length, sent.length);
  got.forEach((message, i) => assert.equal(message, sent[i]));
});

threads("close in a worker wakes a receiver blocked in another thread", async () => {
  const q = new MessageQueue({ shared: true });
  const started = performance.now();
  const pending = q.receive({ timeout: 10000 });
  const w = worker({ role: "close", handle: q.handle });
  await once(w, "message");
  assert.is(await pending, null);
  assert.ok(performance.now() - started < 5000);
  assert.ok(q.closed);
  throwsCode(() => q.write("late"), "EPIPE");
});

threads("attach refuses what is not a live queue's handle", () => {
  const q = new MessageQueue({ shared: true });
  const handle = q.handle;
  for (const bad of [undefined, null, 42, "handle", {}, { kind: "other", version: 2, memory: handle.memory }]) {
    assert.throws(() => MessageQueue.attach(bad), (e) => e instanceof TypeError && /handle/.test(e.message));
  }
  assert.throws(() => MessageQueue.attach({ ...handle, version: 1 }), (e) => e instanceof TypeError && /version 1/.test(e.message));
  assert.throws(() => MessageQueue.attach({ ...handle, memory: {} }), (e) => e instanceof TypeError && /not a WebAssembly.Memory/.test(e.message));
  const unshared = new WebAssembly.Memory({ initial: 2, maximum: 2 });
  assert.throws(() => MessageQueue.attach({ ...handle, memory: unshared }), (e) => e instanceof TypeError && /not shared/.test(e.message));
  const blank = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const error = assert.throws(() => MessageQueue.attach({ ...handle, memory: blank }), (e) => e instanceof QueueError && e.code === "EIO");
  const garbage = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  new Uint8Array(garbage.buffer).fill(0x5a);
  assert.throws(() => MessageQueue.attach({ ...handle, memory: garbage }), (e) => e instanceof QueueError && e.code === "EIO");
  void error;
  assert.throws(() => MessageQueue.attach(handle, { capacity: 4 }), (e) => e instanceof TypeError && /unknown option/.test(e.message));
  assert.ok(MessageQueue.attach(handle, { log: () => {} }) instanceof MessageQueue);
});

threads("an unshared queue has no handle", () => {
  const error = throwsCode(() => new MessageQueue().handle, "ENOTSUP");
  assert.ok(/shared: true/.test(error.message));
  assert.is(new MessageQueue().shared, false);
  assert.is(new MessageQueue({ shared: true }).shared, true);
});

threads("a handle survives structured cloning", () => {
  const q = new MessageQueue({ shared: true });
  const copy = structuredClone(q.handle);
  const same = MessageQueue.attach(copy);
  q.write("cloned");
  assert.is(same.readText(), "cloned");
});

threads.run();

for (const shared of [false, true]) {
  const waiting = suite(`waiting on ${shared ? "a shared" : "an unshared"} queue`);

  waiting("receive waits for a write", async () => {
    const q = new MessageQueue({ shared });
    const pending = q.receive();
    setTimeout(() => q.write("later"), 20);
    assert.is(text(await pending), "later");
  });

  waiting("send waits for space", async () => {
    const q = new MessageQueue({ shared, capacity: 1 });
    q.write("first");
    let sent = false;
    const pending = q.send("second").then((n) => { sent = true; return n; });
    await new Promise((r) => setTimeout(r, 20));
    assert.is(sent, false);
    assert.is(q.readText(), "first");
    assert.is(await pending, 6);
    assert.is(q.readText(), "second");
  });

  waiting("a timeout gives ETIMEDOUT and changes nothing", async () => {
    const q = new MessageQueue({ shared, capacity: 1 });
    const started = performance.now();
    await rejectsWith(q.receive({ timeout: 30 }), (e) => {
      assert.ok(e instanceof QueueError);
      assert.is(e.code, "ETIMEDOUT");
      assert.ok(/30 ms/.test(e.message));
    });
    assert.ok(performance.now() - started >= 25);
    q.write("x");
    await rejectsWith(q.send("y", { timeout: 10 }), (e) => assert.is(e.code, "ETIMEDOUT"));
    await rejectsWith(q.send("y", { timeout: 0 }), (e) => assert.is(e.code, "ETIMEDOUT"));
    assert.is(q.length, 1);
    assert.is(q.readText(), "x");
  });

  waiting("an aborted signal rejects with its reason", async () => {
    const q = new MessageQueue({ shared, capacity: 1 });
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const pending = q.receive({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 10);
    await rejectsWith(pending, (e) => assert.is(e, reason));
    await rejectsWith(q.receive({ signal: AbortSignal.abort("already") }), (e) => assert.is(e, "already"));
    q.write("full");
    const again = new AbortController();
    const sending = q.send("more", { signal: again.signal });
    again.abort();
    await rejectsWith(sending, (e) => assert.is(e.name, "AbortError"));
    assert.is(q.length, 1);
  });

  waiting("close makes writers throw EPIPE, wakes waiters, and lets readers drain", async () => {
    const q = new MessageQueue({ shared, capacity: 1 });
    const emptyReceiver = new MessageQueue({ shared });
    const waitingReceiver = emptyReceiver.receive();
    q.write("left");
    const waitingSender = q.send("blocked");
    q.close();
    emptyReceiver.close();
    assert.is(await waitingReceiver, null);
    await rejectsWith(waitingSender, (e) => assert.is(e.code, "EPIPE"));
    await rejectsWith(q.send("after"), (e) => assert.is(e.code, "EPIPE"));
    throwsCode(() => q.sendSync("after"), "EPIPE");
    assert.is(text(await q.receive()), "left");
    assert.is(await q.receive(), null);
    assert.is(q.receiveSync(), null);
    assert.is(q.receiveIntoSync(new Uint8Array(8)), null);
  });

  waiting("for await reads every message until closed and drained", async () => {
    const q = new MessageQueue({ shared, capacity: 2 });
    const producing = (async () => {
      for (let i = 0; i < 10; i++) await q.send(String(i));
      q.close();
    })();
    const got = [];
    for await (const message of q) got.push(text(message));
    await producing;
    assert.equal(got, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  });

  waiting("a break out of for await over readable spoils nothing: the next readable reads on", async () => {
    const q = new MessageQueue({ shared, capacity: 4 });
    for (const word of ["a", "b", "c"]) q.write(word);
    for await (const chunk of q.readable) {
      assert.is(text(chunk), "a");
      break;
    }
    const got = [];
    q.close();
    for await (const chunk of q.readable) got.push(text(chunk));
    assert.equal(got, ["b", "c"]);
  });

  waiting("aborting the writable (a failed pipe source) closes the queue, so readers finish", async () => {
    const q = new MessageQueue({ shared, capacity: 4 });
    const failing = new ReadableStream({
      pull(controller) {
        controller.enqueue("one");
        controller.error(new Error("the source failed"));
      },
    });
    await failing.pipeTo(q.writable).catch(() => {});
    assert.ok(q.closed, "the queue is closed");
    const got = [];
    for await (const chunk of q) got.push(text(chunk));
    assert.ok(got.length <= 1);
  });

  waiting("receiveText and receiveTextSync decode UTF-8", async () => {
    const q = new MessageQueue({ shared, capacity: 4 });
    q.write("héllo");
    assert.is(await q.receiveText(), "héllo");
    if (shared) {
      q.write("wörld");
      assert.is(q.receiveTextSync(), "wörld");
    }
    q.close();
    assert.is(await q.receiveText(), null);
  });

  waiting("readable and writable streams pipe through the queue with backpressure", async () => {
    const q = new MessageQueue({ shared, capacity: 2 });
    const source = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(`chunk ${i}`);
        controller.close();
      },
    });
    const piping = source.pipeTo(q.writable);
    assert.is.not(q.readable, q.readable, "a new stream on every access");
    const got = [];
    for await (const chunk of q.readable) {
      got.push(text(chunk));
      assert.ok(q.length <= 2);
    }
    await piping;
    assert.is(got.length, 20);
    assert.is(got[19], "chunk 19");
    assert.ok(q.closed);
  });

  waiting("cancelling the readable leaves unread messages queued", async () => {
    const q = new MessageQueue({ shared });
    q.write("one");
    q.write("two");
    const reader = q.readable.getReader();
    assert.is(text((await reader.read()).value), "one");
    await reader.cancel();
    assert.is(q.length, 1);
  });

  waiting("receiveInto fills a buffer and allocates no message", async () => {
    const q = new MessageQueue({ shared });
    const buffer = new Uint8Array(16);
    const pending = q.receiveInto(buffer);
    q.write("into");
    assert.is(await pending, 4);
    assert.is(text(buffer.subarray(0, 4)), "into");
    await rejectsWith(q.receiveInto("nope"), (e) => assert.ok(e instanceof TypeError));
  });

  waiting("bad wait options throw TypeError, or RangeError when out of range", async () => {
    const q = new MessageQueue({ shared });
    for (const options of [null, 5, { timeout: "10" }, { signal: {} }, { delay: 5 }]) {
      await rejectsWith(q.receive(options), (e) => assert.ok(e instanceof TypeError, String(e)));
      await rejectsWith(q.send("x", options), (e) => assert.ok(e instanceof TypeError, String(e)));
    }
    for (const options of [{ timeout: -1 }, { timeout: NaN }]) {
      await rejectsWith(q.receive(options), (e) => assert.ok(e instanceof RangeError, String(e)));
      await rejectsWith(q.send("x", options), (e) => assert.ok(e instanceof RangeError, String(e)));
    }
    assert.throws(() => q.receiveSync({ signal: new AbortController().signal }), TypeError);
    assert.is(q.length, 0);
  });

  waiting.run();
}

const blocking = suite("blocking waits");

blocking("sendSync and receiveSync work without waiting when they need not wait", () => {
  const q = new MessageQueue();
  assert.is(q.sendSync("now"), 3);
  assert.is(text(q.receiveSync()), "now");
});

blocking("on an unshared queue, a wait that could never end throws EDEADLK", () => {
  const q = new MessageQueue({ capacity: 1 });
  throwsCode(() => q.receiveSync({ timeout: 1000 }), "EDEADLK");
  q.write("full");
  throwsCode(() => q.sendSync("more"), "EDEADLK");
  assert.is(q.length, 1);
});

blocking("receiveSync on a shared queue times out with ETIMEDOUT", () => {
  const q = new MessageQueue({ shared: true });
  const started = performance.now();
  throwsCode(() => q.receiveSync({ timeout: 120 }), "ETIMEDOUT");
  const waited = performance.now() - started;
  assert.ok(waited >= 110, `waited ${waited} ms`);
  q.write("full");
  const small = new MessageQueue({ shared: true, capacity: 1 });
  small.write("x");
  throwsCode(() => small.sendSync("y", { timeout: 30 }), "ETIMEDOUT");
  assert.is(small.length, 1);
});

blocking("without Atomics.waitAsync (Firefox before 145), async waits poll with short sleeps instead", () => {
  const script = `
    delete Atomics.waitAsync;
    const { MessageQueue } = await import("rustqueue");
    const q = new MessageQueue({ shared: true, capacity: 1 });
    setTimeout(() => q.write("late"), 30);
    const got = new TextDecoder().decode(await q.receive({ timeout: 5000 }));
    q.write("full");
    setTimeout(() => q.read(), 30);
    await q.send("after", { timeout: 5000 });
    const next = q.readText();
    let timedOut = "";
    try { await q.receive({ timeout: 20 }); } catch (e) { timedOut = e.code; }
    console.log(JSON.stringify({ got, next, timedOut }));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: new URL("../..", import.meta.url), timeout: 20000 });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout), { got: "late", next: "after", timedOut: "ETIMEDOUT" });
});

blocking.run();

const logging = suite("the log callback");

logging("a log callback that throws does not undo or fail the write; its error is reported apart", async () => {
  let calls = 0;
  const q = new MessageQueue({ log: () => { if (++calls === 2) throw new Error("log failed"); } });
  const reported = new Promise((resolve) => process.once("uncaughtException", resolve));
  assert.is(q.write("kept"), 4);
  assert.is((await reported).message, "log failed");
  assert.is(q.length, 1);
  assert.is(q.readText(), "kept");
});

logging.run();
