// The WebSocket service, followed by push. Every event message carries its bus event id; the last one seen is the
// cursor. After a drop the client reconnects (250 ms, doubling to 4 s) and subscribes again with since=<cursor>, so
// the server replays what was missed: nothing is lost, and a message seen twice (same topic and id) is dropped.
const MIN_BACKOFF = 250;
const MAX_BACKOFF = 4000;
const SEEN_LIMIT = 20000;

export class Live {
  // address: how to turn the URL into the one to open (e.g. with a credential), asked at every connect.
  constructor(url, onState, address) {
    this.url = url;
    this.address = address;
    this.onState = onState;
    this.handlers = new Map();      // topic -> Set of handlers
    this.since = new Map();         // topic -> the event id its first subscription asked to replay from
    this.confirmedTopics = new Set();
    this.waiters = new Map();       // topic -> resolvers waiting for its subscription_confirmed
    this.cursor = null;             // the last event id seen
    this.seen = new Set();
    this.seenOrder = [];
    this.backoff = MIN_BACKOFF;
    this.state = 'connecting';
    this.lastEventAt = 0;
    this.replayed = 0;              // missed events the server replayed after reconnects
    this.duplicates = 0;
    this.reconnects = 0;
    this.droppedAt = 0;
    this.socket = null;
    this.retryTimer = 0;
    this.nextRetryAt = 0;
    this.stopped = false;
  }

  start() {
    if (!this.url) {
      this.setState('unavailable', 'the API does not know where the WebSocket service listens'
        + ' (set WEBSOCKET_SERVICE_URL for the API)');
      return this;
    }
    this.open();
    return this;
  }

  // Follows a topic; returns a function that stops following it. With since, the server first replays the
  // events after that id (a replay of a finished run).
  subscribe(topic, handler, since) {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      if (since) this.since.set(topic, since);
      this.send({ type: 'subscribe', topic, since: since || undefined });
    } else if (since) {
      this.send({ type: 'subscribe', topic, since });
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(topic);
        this.since.delete(topic);
        this.confirmedTopics.delete(topic);
        this.send({ type: 'unsubscribe', topic });
      }
    };
  }

  // Resolves true once the server confirmed the topic's subscription (events from then on reach the handlers),
  // false after the timeout: a page reads its state over REST after this, so nothing falls in between.
  confirmed(topic, timeoutMs = 3000) {
    if (this.confirmedTopics.has(topic)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const list = this.waiters.get(topic) || [];
      list.push(resolve);
      this.waiters.set(topic, list);
      setTimeout(() => resolve(false), timeoutMs);
    });
  }

  // For the tests and the "drop" button: closes the socket as a network failure would.
  drop() {
    if (this.socket) this.socket.close(4000, 'dropped by the page');
  }

  open() {
    clearTimeout(this.retryTimer);
    this.setState('connecting');
    let socket;
    try {
      socket = new WebSocket(this.address ? this.address(this.url) : this.url);
    } catch (e) {
      this.setState('unavailable', 'cannot open ' + this.url + ': ' + e.message);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const resuming = this.reconnects > 0;
      this.backoff = MIN_BACKOFF;
      this.openedAt = Date.now();
      this.confirmedTopics.clear();
      for (const topic of this.handlers.keys()) {
        this.send({ type: 'subscribe', topic, since: this.cursor || this.since.get(topic) || undefined });
      }
      if (resuming && !this.cursor) this.emitAll({ type: 'reload', reason: 'reconnected without a cursor' });
      this.setState('live');
    };
    socket.onmessage = (e) => this.receive(e.data);
    socket.onclose = (e) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.droppedAt = Date.now();
      if (this.stopped) return;
      this.reconnects++;
      const wait = this.backoff;
      this.backoff = Math.min(MAX_BACKOFF, this.backoff * 2);
      this.nextRetryAt = Date.now() + wait;
      this.setState('reconnecting', e.code === 1013 ? 'the WebSocket service is full' : (e.reason || ''));
      this.retryTimer = setTimeout(() => this.open(), wait);
    };
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (message.type === 'subscription_confirmed' && message.action === 'subscribe') {
      this.confirmedTopics.add(message.topic);
      for (const resolve of this.waiters.get(message.topic) || []) resolve(true);
      this.waiters.delete(message.topic);
      return;
    }
    if (message.type === 'error') {
      const code = message.code || (message.data && message.data.code);
      if (code === 'resume_unavailable' || code === 'resume_truncated' || code === 'resume_failed') {
        this.emit(message.topic || (message.data && message.data.topic), { type: 'reload', reason: message.message });
      }
      return;
    }
    if (!message.event_id || !message.topic) return;
    const key = message.topic + ' ' + message.event_id;
    if (this.seen.has(key)) {
      this.duplicates++;
      return;
    }
    this.remember(key);
    this.cursor = message.event_id;
    this.lastEventAt = Date.now();
    // After a reconnect, a new message stamped before the socket opened again is one the drop made us miss.
    if (this.reconnects > 0 && Date.parse(message.timestamp) < this.openedAt) {
      this.replayed++;
    }
    this.emit(message.topic, message);
  }

  remember(key) {
    this.seen.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length > SEEN_LIMIT) {
      this.seen.delete(this.seenOrder.shift());
    }
  }

  emit(topic, message) {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const handler of [...set]) handler(message);
  }

  emitAll(message) {
    for (const topic of this.handlers.keys()) this.emit(topic, message);
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  setState(state, detail) {
    this.state = state;
    this.detail = detail || '';
    if (this.onState) this.onState(this);
  }
}
