// Why workerd has an entry of its own: the default entry compiles the core from
// embedded bytes, which workerd refuses. This worker, bundled without the
// "workerd" condition, reports what making a queue does there.
import { MessageQueue } from "rustqueue";

export default {
  fetch() {
    try {
      new MessageQueue();
      return Response.json({ refused: false });
    } catch (error) {
      return Response.json({ refused: true, error: `${error.name}: ${error.message}` });
    }
  },
};
