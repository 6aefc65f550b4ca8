// A consumer of every public name, type-checked by tests/types/run.js with each
// TypeScript version and setup it lists. It only has to compile; it never runs.
import {
  type AttachOptions,
  type MessageData,
  MessageQueue,
  type MessageQueueOptions,
  QueueError,
  type QueueErrorCode,
  type QueueHandle,
  QueueReader,
  type WaitOptions,
} from "rustqueue";
import { MessageQueue as DebugMessageQueue } from "rustqueue/debug";

const options: MessageQueueOptions = { capacity: 4, maxMessageSize: 64, log: (line: string) => void line };
const queue = new MessageQueue(options);
const written: number = queue.write("hello");
const data: MessageData = new Uint8Array([1, 2, 3]);
const accepted: boolean = queue.tryWrite(data);
const message: Uint8Array | null = queue.read();
const text: string | null = queue.readText();
const length: number | null = queue.readInto(new Uint8Array(64));
const reader: QueueReader = queue.open();
const count: number = reader.read(new Uint8Array(8));
reader.close();
const shape: [number, number, number, boolean, boolean] = [queue.capacity, queue.maxMessageSize, queue.length, queue.closed, queue.shared];
const summary: string = String(queue);
queue.clear();

export async function waiting(q: MessageQueue, signal: AbortSignal): Promise<void> {
  const wait: WaitOptions = { timeout: 100, signal };
  const sent: number = await q.send("x", wait);
  const received: Uint8Array | null = await q.receive(wait);
  const receivedText: string | null = await q.receiveText(wait);
  const into: number | null = await q.receiveInto(new Uint8Array(64), wait);
  const blocking: [number, Uint8Array | null, string | null, number | null] = [
    q.sendSync("y", { timeout: 1 }),
    q.receiveSync({ timeout: 1 }),
    q.receiveTextSync(),
    q.receiveIntoSync(new Uint8Array(64)),
  ];
  for await (const each of q) {
    const bytes: Uint8Array = each;
  }
  for await (const each of q.texts({ signal })) {
    const decoded: string = each;
  }
  const chunk = await q.readable.getReader().read();
  if (!chunk.done) {
    const bytes: Uint8Array = chunk.value;
  }
  const writer = q.writable.getWriter();
  await writer.write("z");
  await writer.write(new Uint8Array(1));
  await writer.close();
  q.close();
}

const shared = new MessageQueue({ shared: true });
const handle: QueueHandle = shared.handle;
const attachOptions: AttachOptions = { abandonAfter: 500, log: () => {} };
const same: MessageQueue = MessageQueue.attach(handle, attachOptions);
const debug: DebugMessageQueue = DebugMessageQueue.attach(handle);

try {
  queue.write("");
} catch (error) {
  if (error instanceof QueueError) {
    const code: QueueErrorCode = error.code;
    const line: string = error.toString();
  }
}
