// Three nats-server nodes routed to each other on loopback, JetStream in each
// one's own temporary folder: a real Raft cluster whose nodes a test can kill.
import { freePort, startServer } from "./server.js";

export async function startCluster(size = 3) {
  const clusterPorts = await Promise.all(Array.from({ length: size }, freePort));
  const routes = clusterPorts.map((port) => `"nats-route://127.0.0.1:${port}"`).join(", ");
  const nodes = await Promise.all(clusterPorts.map((clusterPort, i) => startServer({
    name: `n${i + 1}`,
    config: `cluster { name: rq, listen: "127.0.0.1:${clusterPort}", routes: [${routes}] }`,
  })));
  // Health alone says the node is up; JetStream in a cluster also needs a meta leader.
  await waitForMetaLeader(nodes);
  return {
    nodes,
    urls: nodes.map((node) => node.url),
    byName: (name) => nodes.find((node) => node.name === name),
    stop: () => Promise.all(nodes.map((node) => node.stop())),
  };
}

async function waitForMetaLeader(nodes, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(`http://127.0.0.1:${nodes[0].monitorPort}/jsz`);
      const jsz = await response.json();
      if (jsz.meta_cluster?.leader && (jsz.meta_cluster.cluster_size ?? 0) >= nodes.length) return;
    } catch {
      // Not answering yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the cluster elected no JetStream meta leader in time");
}
