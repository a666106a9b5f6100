// Subscriptions over the graphql-transport-ws protocol (a WebSocket upgrade of /graphql),
// reconnecting after a dropped connection: a mayor's office on a rural link loses it often.

import { operations } from "./api.js";
import * as session from "./session.js";

/**
 * Subscribes to operation `name` of `module`; calls `onData(data)` per event. Returns a stop function.
 * With `{ signedIn: true }` the session's token goes in `connection_init` (a browser cannot send
 * headers on a WebSocket), for the subscriptions that need a session.
 */
export function subscribe(module, name, variables, onData, onState = () => {}, { signedIn = false } = {}) {
  let socket = null;
  let stopped = false;
  let retry = 1000;

  async function connect() {
    const query = await operations(module);
    if (stopped) return;
    socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    // The public subscriptions need no session; the others carry the token in connection_init.
    const token = signedIn ? session.token() : null;
    const payload = token ? { authorization: `Bearer ${token}` } : {};
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "connection_init", payload })));
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        retry = 1000;
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, operationName: name, variables } }));
        onState("open");
      } else if (message.type === "next" && message.payload?.data) {
        onData(message.payload.data);
      } else if (message.type === "error") {
        onState("error", message.payload);
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    });
    socket.addEventListener("close", () => {
      if (stopped) return;
      onState("closed");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  connect().catch(() => onState("closed"));
  return () => {
    stopped = true;
    socket?.close();
  };
}
