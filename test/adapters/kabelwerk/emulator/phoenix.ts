/**
 * The server side of the Phoenix channels protocol, JSON serializer vsn 2.0.0, over `ws` sockets
 * (vendors/kabelwerk.md §2.2; phoenixframework/phoenix assets/js/phoenix/{serializer,socket,channel}.js
 * for what the client sends and expects; Phoenix.Socket for the server's answers).
 *
 * Frames are `[join_ref, ref, topic, event, payload]`. Knows nothing about Kabelwerk: topics and
 * events are handed to a `ChannelHandler`.
 */
import type { WebSocket } from 'ws';

/** One websocket connection and the channels joined on it. */
export interface PhoenixConnection<A> {
  id: number;
  /** What the socket authenticated as (the emulator puts the user id here). */
  assigns: A;
  /** Query param `agent` sent by the Kabelwerk SDKs (`sdk-js/0.3.6`), if any. */
  agent: string | null;
  /** topic -> join_ref of the current join. */
  joined: Map<string, string>;
  ws: WebSocket;
}

export type Reply = { status: 'ok' | 'error'; response: unknown };

export interface ChannelHandler<A> {
  /** Authorizes and performs a join; `ok` joins the topic on this connection. */
  join(conn: PhoenixConnection<A>, topic: string, params: unknown): Reply;
  /** Handles a push on a joined topic. */
  handleIn(conn: PhoenixConnection<A>, topic: string, event: string, payload: unknown): Reply;
}

/** A forced answer for a client push (see `failNextPush`). */
export interface PushFault {
  /** Exact topic, or a prefix ending in `*` (`room:*`); omitted = any topic. */
  topic?: string;
  /** Event to fail, e.g. `post_message`, or `phx_join` for joins. */
  event: string;
  /** `error`: reply `{status: "error"}`; `timeout`: never reply (the client's push times out). */
  reply: 'error' | 'timeout';
  /** The error reply's `response`; default `{reason: "Injected failure."}`. */
  response?: unknown;
  /** How many pushes the fault applies to (default 1). */
  times?: number;
}

/** One client push as the server saw it (payloads carry no credentials: the token travels in the URL). */
export interface RecordedPush {
  connectionId: number;
  topic: string;
  event: string;
  payload: unknown;
  /** `unmatched` = the topic was not joined on that connection. */
  outcome: 'ok' | 'error' | 'timeout' | 'unmatched';
  receivedAt: Date;
}

type Frame = [string | null, string | null, string, string, unknown];

const WS_OPEN = 1;

export class PhoenixServer<A> {
  private readonly conns = new Map<number, PhoenixConnection<A>>();
  private seq = 0;
  private faults: PushFault[] = [];
  /** Every client push (heartbeats excluded), in order. */
  readonly pushes: RecordedPush[] = [];
  /** Handler exceptions (emulator bugs), each of which crashed its channel with `phx_error`. */
  readonly crashes: { topic: string; event: string; error: unknown }[] = [];

  constructor(
    private readonly handler: ChannelHandler<A>,
    private readonly now: () => Date,
  ) {}

  /** Starts speaking the protocol on an upgraded websocket. */
  attach(ws: WebSocket, assigns: A, agent: string | null): PhoenixConnection<A> {
    const conn: PhoenixConnection<A> = { id: ++this.seq, assigns, agent, joined: new Map(), ws };
    this.conns.set(conn.id, conn);
    ws.on('message', (data, isBinary) => this.receive(conn, data.toString(), isBinary));
    ws.on('close', () => this.conns.delete(conn.id));
    ws.on('error', () => this.conns.delete(conn.id));
    return conn;
  }

  connections(): PhoenixConnection<A>[] {
    return [...this.conns.values()];
  }

  /** Pushes an event to every connection that joined `topic` (a PubSub broadcast: join_ref and ref are null). */
  broadcast(topic: string, event: string, payload: unknown): void {
    const text = JSON.stringify([null, null, topic, event, payload] satisfies Frame);
    for (const conn of this.conns.values()) if (conn.joined.has(topic)) this.sendRaw(conn, text);
  }

  /** Pushes an event to one connection's channel (a `push/3` from the channel process: join_ref set). */
  push(conn: PhoenixConnection<A>, topic: string, event: string, payload: unknown): void {
    const joinRef = conn.joined.get(topic);
    if (joinRef === undefined) return;
    this.send(conn, [joinRef, null, topic, event, payload]);
  }

  /** Stops a channel from the server side (`phx_close`), as when a channel process exits normally. */
  closeChannel(conn: PhoenixConnection<A>, topic: string): void {
    const joinRef = conn.joined.get(topic);
    if (joinRef === undefined) return;
    conn.joined.delete(topic);
    this.send(conn, [joinRef, joinRef, topic, 'phx_close', {}]);
  }

  failNextPush(fault: PushFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  clear(): void {
    this.faults = [];
    this.pushes.length = 0;
    this.crashes.length = 0;
  }

  private takeFault(topic: string, event: string): PushFault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.event === event &&
        (f.topic === undefined || f.topic === topic || (f.topic.endsWith('*') && topic.startsWith(f.topic.slice(0, -1)))),
    );
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    const times = (f.times ?? 1) - 1;
    if (times <= 0) this.faults.splice(i, 1);
    else f.times = times;
    return f;
  }

  private receive(conn: PhoenixConnection<A>, raw: string, isBinary: boolean): void {
    const frame = isBinary ? undefined : parseFrame(raw);
    if (!frame) {
      // Phoenix's serializer raises on a frame it cannot decode, which takes the socket down.
      conn.ws.close(1011, 'invalid frame');
      return;
    }
    const [joinRef, ref, topic, event, payload] = frame;
    if (topic === 'phoenix' && event === 'heartbeat') {
      this.send(conn, [null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
      return;
    }
    const record = (outcome: RecordedPush['outcome']): void => {
      this.pushes.push({ connectionId: conn.id, topic, event, payload, outcome, receivedAt: this.now() });
    };

    if (event === 'phx_join') {
      const fault = this.takeFault(topic, event);
      if (fault?.reply === 'timeout') return record('timeout');
      // A second join of a joined topic replaces the first (Phoenix closes the duplicate silently).
      conn.joined.delete(topic);
      const reply: Reply = fault ? { status: 'error', response: fault.response ?? { reason: 'Injected failure.' } } : this.handler.join(conn, topic, payload);
      if (reply.status === 'ok') conn.joined.set(topic, joinRef ?? ref ?? '');
      record(reply.status);
      this.send(conn, [joinRef, ref, topic, 'phx_reply', reply]);
      return;
    }

    const current = conn.joined.get(topic);
    if (current === undefined) {
      record('unmatched');
      this.send(conn, [joinRef, ref, topic, 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }]);
      return;
    }

    if (event === 'phx_leave') {
      record('ok');
      conn.joined.delete(topic);
      this.send(conn, [joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]);
      this.send(conn, [current, current, topic, 'phx_close', {}]);
      return;
    }

    const fault = this.takeFault(topic, event);
    if (fault?.reply === 'timeout') return record('timeout');
    let reply: Reply;
    if (fault) reply = { status: 'error', response: fault.response ?? { reason: 'Injected failure.' } };
    else {
      try {
        reply = this.handler.handleIn(conn, topic, event, payload);
      } catch (err) {
        // A crashing channel process: Phoenix sends phx_error and the client rejoins.
        record('error');
        this.crashes.push({ topic, event, error: err });
        conn.joined.delete(topic);
        this.send(conn, [current, current, topic, 'phx_error', {}]);
        return;
      }
    }
    record(reply.status);
    this.send(conn, [joinRef, ref, topic, 'phx_reply', reply]);
  }

  private send(conn: PhoenixConnection<A>, frame: Frame): void {
    this.sendRaw(conn, JSON.stringify(frame));
  }

  private sendRaw(conn: PhoenixConnection<A>, text: string): void {
    if (conn.ws.readyState === WS_OPEN) conn.ws.send(text);
  }
}

function parseFrame(raw: string): Frame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const [joinRef, ref, topic, event, payload] = value as unknown[];
  const refOk = (r: unknown) => r === null || typeof r === 'string';
  if (!refOk(joinRef) || !refOk(ref) || typeof topic !== 'string' || typeof event !== 'string') return undefined;
  return [joinRef as string | null, ref as string | null, topic, event, payload];
}
