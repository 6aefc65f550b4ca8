// The web demo: one MessageQueue of 16 × 4096 bytes, driven by the page. The
// queue shows oldest first; its fill comes from `queue.length`, and the texts
// beside each slot are what this page wrote, kept in the same FIFO order.
import { MessageQueue, QueueError } from "rustqueue";

const $ = (id) => document.getElementById(id);
const logList = $("log");
const queue = new MessageQueue({ log: (line) => appendLine(logList, line) });
/** What the page wrote and has not read back yet, oldest first. */
const queuedTexts = [];

function appendLine(list, text) {
  const item = document.createElement("li");
  item.textContent = text;
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function showError(error) {
  const box = $("error");
  if (!error) {
    box.hidden = true;
    return;
  }
  if (!(error instanceof QueueError)) throw error;
  box.hidden = false;
  box.textContent = `${error.code}: ${error.message}`;
}

function write(text) {
  try {
    queue.write(text);
    queuedTexts.push(text);
    showError(null);
    return true;
  } catch (error) {
    showError(error);
    return false;
  } finally {
    render();
  }
}

function render() {
  const slots = $("slots");
  slots.replaceChildren();
  for (let i = 0; i < queue.capacity; i++) {
    const slot = document.createElement("li");
    slot.className = i < queue.length ? "slot filled" : "slot";
    slot.textContent = i < queue.length ? queuedTexts[i] || "(empty message)" : "";
    slots.append(slot);
  }
  $("count").textContent = `${queue.length} / ${queue.capacity}`;
  $("meter-fill").style.width = `${(100 * queue.length) / queue.capacity}%`;
  $("read").disabled = queue.length === 0;
}

$("write-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("message");
  if (write(input.value)) input.value = "";
  input.focus();
});

$("read").addEventListener("click", () => {
  const text = queue.readText();
  if (text !== null) {
    queuedTexts.shift();
    appendLine($("output"), text === "" ? "(empty message)" : text);
  }
  showError(null);
  render();
});

$("fill").addEventListener("click", () => {
  for (let i = 1; i <= 20; i++) write(`message ${i}`);
});

$("clear").addEventListener("click", () => {
  queue.clear();
  queuedTexts.length = 0;
  showError(null);
  render();
});

render();
document.body.dataset.ready = "true";
