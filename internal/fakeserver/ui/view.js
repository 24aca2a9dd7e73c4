// view.js: the inspector's helpers with no network and no page state —
// the feed's parser and store, filters, summaries, formatting and the one
// DOM builder. testdata/inspector/view_test.js tests them in a browser.
//
// Safety rule of the whole page: data (names, texts, metadata) becomes
// text nodes, never HTML. el() is the only way the page builds elements,
// and it has no way to parse markup.

// el builds an element: props sets attributes and properties (never
// markup), children are nodes or strings (strings become text nodes).
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'open') node[k] = v;
    else if (/^(data-[a-z-]+|title|type|name|placeholder|for|id|role|aria-[a-z]+|min|max|size|accept|href|download|colspan|tabindex)$/.test(k)) node.setAttribute(k, String(v));
    else throw new Error('el: attribute not allowed: ' + k);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// SSEParser turns chunks of a text/event-stream into events
// ({event, data}); a chunk may end anywhere, even inside a line.
export class SSEParser {
  constructor() { this.buf = ''; this.event = ''; this.data = []; }
  push(chunk) {
    this.buf += chunk;
    const out = [];
    let i;
    while ((i = this.buf.search(/\r\n|\r|\n/)) >= 0) {
      const nl = this.buf[i] === '\r' && this.buf[i + 1] === '\n' ? 2 : 1;
      if (this.buf[i] === '\r' && i + 1 === this.buf.length) break; // a \r\n may be split
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + nl);
      if (line === '') {
        if (this.data.length) out.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = ''; this.data = [];
      } else if (line.startsWith(':')) {
        // a comment (keep-alive)
      } else {
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        let value = c < 0 ? '' : line.slice(c + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') this.event = value;
        else if (field === 'data') this.data.push(value);
      }
    }
    return out;
  }
}

// The page keeps at most this many messages (the newest).
export const MAX_MESSAGES = 2000;

export function newStore() {
  return {
    users: new Map(), groups: new Map(), messages: new Map(), conversations: new Map(), calls: new Map(),
    sockets: { list: [], presence: {}, total: 0 }, faults: [], totals: {}, snapshots: 0, events: 0,
  };
}

// applyEvent folds one feed event into the store and returns the names of
// the parts that changed.
export function applyEvent(store, ev) {
  const changed = new Set(['totals']);
  store.events++;
  if (ev.snapshot) {
    store.snapshots++;
    store.users.clear(); store.groups.clear(); store.messages.clear(); store.conversations.clear(); store.calls.clear();
    ['users', 'groups', 'messages', 'conversations', 'calls'].forEach((k) => changed.add(k));
  }
  for (const u of ev.users || []) {
    if (u.deactivated) store.users.delete(u.uid); else store.users.set(u.uid, u);
    changed.add('users');
  }
  for (const uid of ev.removedUsers || []) { store.users.delete(uid); changed.add('users'); }
  for (const g of ev.groups || []) { store.groups.set(g.guid, g); changed.add('groups'); }
  for (const guid of ev.removedGroups || []) { store.groups.delete(guid); changed.add('groups'); }
  for (const m of ev.messages || []) { store.messages.set(m.id, m); changed.add('messages'); }
  if (store.messages.size > MAX_MESSAGES) {
    const ids = [...store.messages.keys()].sort((a, b) => a - b);
    for (const id of ids.slice(0, ids.length - MAX_MESSAGES)) store.messages.delete(id);
  }
  for (const c of ev.conversations || []) { store.conversations.set(c.id, c); changed.add('conversations'); }
  for (const c of ev.calls || []) {
    if (c.active) store.calls.set(c.sessionId, c); else store.calls.delete(c.sessionId);
    changed.add('calls');
  }
  for (const sid of ev.removedCalls || []) { store.calls.delete(sid); changed.add('calls'); }
  if (ev.sockets) { store.sockets = ev.sockets; changed.add('sockets'); changed.add('users'); }
  if (ev.faults) { store.faults = ev.faults; changed.add('faults'); }
  if (ev.totals) store.totals = ev.totals;
  return changed;
}

// A filter: kind 'all', 'user' or 'group' (id names it) and free text.
export function parseFilter(scope, text) {
  const [kind, ...rest] = String(scope || 'all').split(':');
  return { kind: kind === 'user' || kind === 'group' ? kind : 'all', id: rest.join(':'), text: String(text || '').trim().toLowerCase() };
}

function hasText(f, ...fields) {
  if (!f.text) return true;
  return fields.some((x) => x !== undefined && x !== null && String(x).toLowerCase().includes(f.text));
}

export function messageMatches(m, f) {
  if (f.kind === 'user' && !(m.sender === f.id || m.onUser === f.id || (m.receiverType === 'user' && m.receiver === f.id))) return false;
  if (f.kind === 'group' && !(m.receiverType === 'group' && m.receiver === f.id)) return false;
  return hasText(f, m.text, m.onText, m.data, m.sender, m.receiver, m.type, m.category, m.action, m.onUser, m.id);
}

export function userMatches(u, f, groups) {
  if (f.kind === 'user' && u.uid !== f.id) return false;
  if (f.kind === 'group') {
    const g = groups && groups.get(f.id);
    if (!g || !g.members.some((x) => x.uid === u.uid)) return false;
  }
  return hasText(f, u.uid, u.name, u.role, u.statusMessage, u.metadata, (u.tags || []).join(' '));
}

export function groupMatches(g, f) {
  if (f.kind === 'group' && g.guid !== f.id) return false;
  if (f.kind === 'user' && !(g.owner === f.id || g.members.some((x) => x.uid === f.id) || (g.bans || []).some((x) => x.uid === f.id))) return false;
  return hasText(f, g.guid, g.name, g.type, g.description, g.metadata, (g.tags || []).join(' '));
}

export function conversationMatches(c, f) {
  if (f.kind === 'user' && !(c.receiverType === 'user' && c.with.includes(f.id))) return false;
  if (f.kind === 'group' && !(c.receiverType === 'group' && c.with[0] === f.id)) return false;
  return hasText(f, c.id, c.lastText, c.lastSender, ...c.with);
}

export function socketMatches(s, f) {
  if (f.kind === 'user' && s.uid !== f.id) return false;
  if (f.kind === 'group') return false;
  return hasText(f, s.uid, s.session, s.remote);
}

// conversationId is the id of the conversation of me with a user or a group.
export function conversationId(me, receiverType, receiver) {
  if (receiverType === 'group') return 'group_' + receiver;
  return me < receiver ? me + '_user_' + receiver : receiver + '_user_' + me;
}

// messagesOf lists the store's messages of one conversation, oldest first.
export function messagesOf(store, convId) {
  return [...store.messages.values()].filter((m) => m.conversationId === convId).sort((a, b) => a.id - b.id);
}

const pad = (n) => String(n).padStart(2, '0');

// fmtTime renders unix seconds as the local HH:MM:SS.
export function fmtTime(sec) {
  if (!sec) return '';
  const d = new Date(sec * 1000);
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

export function clip(s, n) {
  s = String(s ?? '');
  return s.length <= n ? s : s.slice(0, n) + '…';
}

// messageSummary says in words what a message is: its text for text
// messages, what happened for actions and calls.
// withData (default true) appends the data of custom and media messages.
export function messageSummary(m, withData = true) {
  if (m.category === 'action') {
    const on = m.onUser || '';
    switch (m.action) {
      case 'joined': return `${m.sender} joined ${m.receiver}`;
      case 'left': return `${m.sender} left ${m.receiver}`;
      case 'added': return `${m.sender} added ${on} to ${m.receiver}`;
      case 'kicked': return `${m.sender} kicked ${on} from ${m.receiver}`;
      case 'banned': return `${m.sender} banned ${on} from ${m.receiver}`;
      case 'unbanned': return `${m.sender} unbanned ${on} from ${m.receiver}`;
      case 'scopeChanged': return `${m.sender} made ${on} ${m.scopeNew || ''} (was ${m.scopeOld || '?'}) in ${m.receiver}`;
      case 'edited': return `${m.sender} edited #${m.onMessage}` + (m.onText ? `: ${m.onText}` : '');
      case 'deleted': return `${m.sender} deleted #${m.onMessage}`;
      default: return `${m.sender} ${m.action || 'action'}${on ? ' ' + on : ''}`;
    }
  }
  if (m.category === 'call') {
    const c = m.call || {};
    return `${c.type || m.type} call ${c.status || m.action || ''}`.trim();
  }
  if (m.deletedAt) return '(deleted)';
  if (m.type === 'text') return m.text || '';
  const data = withData && m.data ? ': ' + m.data : '';
  if (m.category === 'custom') return `custom ${m.type}${data}`;
  if (m.text) return m.text;
  return `${m.type}${data}`;
}

// receiptSummary: how far a message went with its recipients.
export function receiptSummary(m) {
  const rs = m.receipts || [];
  const read = rs.filter((r) => r.readAt).map((r) => r.uid);
  const delivered = rs.filter((r) => r.deliveredAt).map((r) => r.uid);
  if (read.length) return { state: 'read', mark: '✓✓', title: 'read by ' + read.join(', ') };
  if (delivered.length) return { state: 'delivered', mark: '✓✓', title: 'delivered to ' + delivered.join(', ') };
  return { state: 'sent', mark: '✓', title: 'sent' };
}

// initials of a name, for the avatar badges (no image is ever fetched).
export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || '?').slice(0, 2);
  return s.toUpperCase();
}

// newMuid is a client message id, as the SDKs send one.
export function newMuid() {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return 'inspector-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
