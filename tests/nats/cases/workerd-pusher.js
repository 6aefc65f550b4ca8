// An edge worker pushing jobs into a queue: a Cloudflare workerd fetch handler
// that connects to NATS over WebSocket (wsconnect from @nats-io/nats-core) and
// sends `count` jobs into queue `name`. Bundled by tests/nats/websocket.js.
import { wsconnect } from "@nats-io/nats-core";
import { NatsQueue, QueueError } from "rustqueue/nats";

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const servers = params.get("nats");
    const name = params.get("name");
    const count = Number(params.get("count"));
    let nc;
    try {
      nc = await wsconnect({ servers });
      const queue = await NatsQueue.open(nc, { name });
      for (let i = 0; i < count; i++) await queue.send(`job ${i} from the edge`, { timeout: 10_000 });
      const full = await queue.tryWrite("one too many").then((stored) => !stored);
      return Response.json({ sent: count, queued: await queue.count(), refusedWhenFull: full, queueErrorIsExported: typeof QueueError === "function" });
    } catch (error) {
      return Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
    } finally {
      await nc?.close();
    }
  },
};
