// The port a workerd started with `--control-fd=3` listens on: workerd writes a
// JSON line per socket to its control fd. Rejects if it exits or stays silent 30 s.
export function workerdPort(child, describeExit = (status) => `workerd exited with ${status} before listening`) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("workerd did not listen within 30 s")), 30_000);
    child.once("exit", (status) => reject(new Error(describeExit(status))));
    let buffered = "";
    child.stdio[3].on("data", (chunk) => {
      buffered += chunk;
      for (const line of buffered.split("\n").slice(0, -1)) {
        const event = JSON.parse(line);
        if (event.event === "listen") {
          clearTimeout(timer);
          resolve(event.port);
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    });
  });
}
