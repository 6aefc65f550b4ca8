// The original module's two examples, against rustqueue. Run with `npm start`.
import { MessageQueue, QueueError } from "rustqueue";

const kernelLog = [];
const log = (line) => kernelLog.push(line);

console.log("Example 1: queue and dequeue three messages\n");
const queue = new MessageQueue({ log });
queue.write("first message\n");
queue.write("second message\n");
queue.write("third message\n");

// Each `cat /dev/rustqueue` is one open of the device, read until EOF.
const decoder = new TextDecoder();
function cat(q) {
  const reader = q.open();
  const buffer = new Uint8Array(4096);
  let out = "";
  for (let n; (n = reader.read(buffer)) > 0;) out += decoder.decode(buffer.subarray(0, n));
  reader.close();
  return out;
}
for (let i = 0; i < 4; i++) {
  const out = cat(queue);
  process.stdout.write(`$ cat /dev/rustqueue   → ${out === "" ? "(empty, EOF)\n" : out}`);
}
console.log("\n$ dmesg | tail");
for (const line of kernelLog.splice(0)) console.log(line);

console.log("\nExample 2: overloading the queue\n");
const full = new MessageQueue({ log });
for (let i = 1; i <= 20; i++) {
  try {
    full.write(`message ${i}\n`);
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    console.log(`write ${i} FAILED (${error.code}: ${error.message})`);
  }
}
console.log("\n$ dmesg | tail -20");
for (const line of kernelLog.splice(0)) console.log(line);
