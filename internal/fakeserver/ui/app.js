// app.js: the inspector page. It reads the live feed (server-sent events
// over fetch, so that the token travels in a header), renders the view,
// chats as a user through the emulator's own client API and websocket, and
// calls the test hooks. Every piece of data is rendered as text (view.js
// el()); no HTML is ever parsed from data.
import * as V from './view.js';

window.InspectorView = V; // for the page's own tests (testdata/inspector/view_test.js)

const $ = (id) => document.getElementById(id);
const { el } = V;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const state = {
  boot: null,
  store: V.newStore(),
  filter: V.parseFilter('all', ''),
  seen: new Set(),
  dirty: new Set(),
  renderQueued: false,
};

// ---- requests -------------------------------------------------------------

async function readReply(res) {
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const e = data && data.error;
    throw new Error(e ? `${e.code}: ${e.message}` : `HTTP ${res.status}`);
  }
  return { text, data };
}

// api calls the inspector's API with the per-process token.
async function api(path, { method = 'GET', json, body, raw = false } = {}) {
  const headers = { 'X-Inspector-Token': state.boot.token };
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  const res = await fetch('/_fake/ui/api/' + path, { method, headers, body, cache: 'no-store', credentials: 'same-origin' });
  const r = await readReply(res);
  return raw ? r.text : r.data;
}

async function bootstrap() {
  const res = await fetch('/_fake/ui/api/bootstrap', { cache: 'no-store', credentials: 'same-origin' });
  state.boot = (await readReply(res)).data;
  const b = state.boot;
  $('app-info').textContent = `app ${b.appId} · ${b.region} · ${b.durable ? 'durable store' : 'in memory'}`;
}

// ---- the live feed --------------------------------------------------------

function setPill(node, kind, text) {
  node.className = 'pill pill-' + kind;
  node.textContent = text;
}

async function feedLoop() {
  let delay = 300;
  for (;;) {
    try {
      if (!state.boot) await bootstrap();
      const res = await fetch('/_fake/ui/api/events', { headers: { 'X-Inspector-Token': state.boot.token }, cache: 'no-store' });
      if (res.status === 403) state.boot = null; // another process: another token
      if (!res.ok || !res.body) throw new Error('feed: HTTP ' + res.status);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new V.SSEParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.push(value)) {
          if (e.event !== 'view') continue;
          onEvent(JSON.parse(e.data));
          setPill($('feed-status'), 'live', 'live');
          delay = 300;
        }
      }
    } catch (err) {
      console.debug('inspector feed:', err);
    }
    setPill($('feed-status'), 'wait', 'reconnecting…');
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}

function onEvent(ev) {
  for (const part of V.applyEvent(state.store, ev)) state.dirty.add(part);
  if (ev.snapshot) state.dirty.add('all');
  queueRender();
}

function queueRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  setTimeout(() => { state.renderQueued = false; render(); }, 16);
}

// ---- rendering ------------------------------------------------------------

function userName(uid) {
  const u = state.store.users.get(uid);
  return u ? u.name : uid;
}

function online(uid) { return state.store.sockets.presence[uid] || 0; }

function avatar(name, on) { return el('span', { class: 'avatar' + (on ? ' online' : ''), 'aria-hidden': 'true' }, V.initials(name)); }

function setScope(value) {
  $('filter-scope').value = value;
  state.filter = V.parseFilter(value, $('filter-text').value);
  renderAll();
}

function count(id, shown, total) {
  $(id).textContent = shown === total || total === undefined ? String(shown) : `${shown} of ${total}`;
}

function render() {
  const d = state.dirty;
  state.dirty = new Set();
  const all = d.has('all');
  renderTotals();
  if (all || d.has('users') || d.has('groups')) { renderSelects(); }
  if (all || d.has('users') || d.has('groups') || d.has('sockets')) renderUsers();
  if (all || d.has('groups')) renderGroups();
  if (all || d.has('conversations') || d.has('users')) renderConversations();
  if (all || d.has('messages')) renderMessages();
  if (all || d.has('sockets')) renderSockets();
  if (all || d.has('calls')) renderCalls();
  if (all || d.has('faults')) renderFaults();
  if (all || d.has('messages') || d.has('users') || d.has('groups')) renderChat();
}

function renderAll() { state.dirty.add('all'); render(); }

function renderTotals() {
  const t = state.store.totals;
  $('totals').textContent = `${t.users ?? 0} users · ${t.groups ?? 0} groups · ${t.messages ?? 0} messages · ${t.sockets ?? 0} sockets · ${t.calls ?? 0} calls`;
}

function fillSelect(select, options, keep = true) {
  const value = select.value;
  const fixed = [...select.querySelectorAll('option[data-fixed]')];
  select.replaceChildren(...fixed, ...options.map(([v, label]) => el('option', { value: v }, label)));
  if (keep && [...select.options].some((o) => o.value === value)) select.value = value;
}

function renderSelects() {
  const users = [...state.store.users.values()].sort((a, b) => a.uid.localeCompare(b.uid));
  const groups = [...state.store.groups.values()].sort((a, b) => a.guid.localeCompare(b.guid));
  fillSelect($('filter-scope'), [
    ...users.map((u) => ['user:' + u.uid, `user ${u.uid} (${u.name})`]),
    ...groups.map((g) => ['group:' + g.guid, `group ${g.guid} (${g.name})`]),
  ]);
  fillSelect($('chat-as'), users.map((u) => [u.uid, `${u.name} (${u.uid})`]));
  const me = chat.uid;
  fillSelect($('chat-with'), [
    ...users.filter((u) => u.uid !== me).map((u) => ['user:' + u.uid, `${u.name} (${u.uid})`]),
    ...groups.map((g) => ['group:' + g.guid, `# ${g.name} (${g.guid})`]),
  ]);
  fillSelect($('group-owner'), users.map((u) => [u.uid, u.uid]));
}

function dropUser(uid) {
  return act(`hook/sockets/drop?uid=${encodeURIComponent(uid)}`, (r) => `dropped ${r.affected} socket(s) of ${uid}`);
}

function renderUsers() {
  const f = state.filter;
  const users = [...state.store.users.values()].filter((u) => V.userMatches(u, f, state.store.groups))
    .sort((a, b) => a.uid.localeCompare(b.uid));
  count('users-count', users.length, state.store.totals.users);
  $('users').replaceChildren(...(users.length ? users.map((u) => {
    const n = online(u.uid);
    const extra = [u.role && u.role !== 'default' ? u.role : '', u.statusMessage, u.metadata].filter(Boolean).join(' · ');
    return el('li', { 'data-uid': u.uid },
      avatar(u.name, n > 0),
      el('button', { class: 'link who', type: 'button', title: `${u.name} (${u.uid})${extra ? '\n' + extra : ''}\nclick: show what concerns ${u.uid}`,
        onclick: () => setScope('user:' + u.uid) },
        el('span', { class: 'name' }, u.name), el('span', { class: 'id' }, u.uid)),
      n > 0 ? el('span', { class: 'chip', 'data-sockets': String(n), title: 'open sockets' }, n === 1 ? '1 socket' : `${n} sockets`)
        : el('span', { class: 'id' }, 'offline'),
      el('span', { class: 'buttons' },
        el('button', { class: 'small', type: 'button', title: 'chat as ' + u.uid, onclick: () => { $('chat-as').value = u.uid; chatLogin(u.uid); } }, 'chat'),
        n > 0 ? el('button', { class: 'small danger', type: 'button', 'data-drop': u.uid, title: 'drop the sockets of ' + u.uid,
          onclick: () => dropUser(u.uid) }, 'drop') : null));
  }) : [el('li', { class: 'empty' }, 'no user')]));
}

function renderGroups() {
  const f = state.filter;
  const groups = [...state.store.groups.values()].filter((g) => V.groupMatches(g, f)).sort((a, b) => a.guid.localeCompare(b.guid));
  count('groups-count', groups.length, state.store.totals.groups);
  $('groups').replaceChildren(...(groups.length ? groups.map((g) => el('li', { 'data-guid': g.guid },
    el('span', { class: 'group-head' },
      avatar(g.name, false),
      el('button', { class: 'link who', type: 'button', title: `${g.name} (${g.guid})${g.description ? '\n' + g.description : ''}\nclick: show what concerns ${g.guid}`,
        onclick: () => setScope('group:' + g.guid) },
        el('span', { class: 'name' }, g.name), el('span', { class: 'id' }, g.guid)),
      el('span', { class: 'chip' }, g.type),
      el('span', { class: 'chip', title: 'members' }, `${g.membersCount} members`),
      g.bansCount ? el('span', { class: 'chip banned' }, `${g.bansCount} banned`) : null),
    el('span', { class: 'members' },
      g.members.map((m) => el('span', { class: 'chip ' + m.scope, title: m.scope + (m.uid === g.owner ? ', owner' : ''), 'data-member': m.uid },
        m.uid + (m.scope !== 'participant' ? ' · ' + m.scope : '') + (m.uid === g.owner ? ' ★' : ''))),
      g.membersCount > g.members.length ? el('span', { class: 'muted' }, `+${g.membersCount - g.members.length} more`) : null,
      (g.bans || []).map((b) => el('span', { class: 'chip banned', title: 'banned', 'data-banned': b.uid }, b.uid + ' · banned'))),
  )) : [el('li', { class: 'empty' }, 'no group')]));
}

function renderConversations() {
  const f = state.filter;
  const convs = [...state.store.conversations.values()].filter((c) => V.conversationMatches(c, f)).sort((a, b) => b.lastId - a.lastId);
  count('conversations-count', convs.length, state.store.totals.conversations);
  $('conversations').replaceChildren(...(convs.length ? convs.map((c) => el('li', { class: 'conv', 'data-conversation': c.id },
    el('span', { class: 'name' }, c.receiverType === 'group' ? '# ' + c.with[0] : c.with.join(' ↔ ')),
    el('span', { class: 'chip', title: 'messages' }, String(c.count)),
    el('span', { class: 'id' }, V.fmtTime(c.lastAt)),
    el('span', { class: 'muted last', title: c.lastText || c.lastType }, `${c.lastSender}: ${c.lastText || c.lastCategory + ' ' + c.lastType}`),
  )) : [el('li', { class: 'empty' }, 'no conversation')]));
}

const MAX_STREAM = 500;

function messageRow(m, fresh) {
  const rc = V.receiptSummary(m);
  const isPlain = m.category === 'message' || m.category === 'custom';
  return el('li', { class: 'msg cat-row-' + m.category + (m.deletedAt ? ' deleted' : '') + (fresh ? ' fresh' : ''), 'data-id': String(m.id),
    'data-category': m.category },
  el('span', { class: 'time', title: 'sent ' + new Date(m.sentAt * 1000).toLocaleString() }, V.fmtTime(m.sentAt)),
  el('span', { class: 'cat cat-' + m.category }, m.category),
  el('span', { class: 'route', title: `${m.sender} → ${m.receiverType} ${m.receiver}` },
    el('span', { class: 'name' }, m.sender), ' → ', m.receiverType === 'group' ? '# ' + m.receiver : m.receiver,
    ' ', el('span', { class: 'id' }, m.type)),
  el('span', { class: 'body' },
    el('span', { class: 'text' }, V.messageSummary(m, false)),
    m.data && m.category !== 'action' ? el('span', { class: 'data' }, m.data) : null),
  el('span', { class: 'flags' },
    m.parentId ? el('span', { class: 'chip', title: 'thread reply' }, `↳ #${m.parentId}`) : null,
    m.replyCount ? el('span', { class: 'chip' }, `${m.replyCount} replies`) : null,
    m.editedAt ? el('span', { class: 'chip', title: `edited by ${m.editedBy} at ${V.fmtTime(m.editedAt)}` }, 'edited') : null,
    m.deletedAt ? el('span', { class: 'chip banned', title: `deleted by ${m.deletedBy} at ${V.fmtTime(m.deletedAt)}` }, 'deleted') : null,
    isPlain ? el('span', { class: 'rcpt ' + rc.state, title: rc.title, 'data-receipt': rc.state }, rc.mark) : null,
    el('span', { class: 'id' }, '#' + m.id)));
}

function renderMessages() {
  const f = state.filter;
  const all = [...state.store.messages.values()].filter((m) => V.messageMatches(m, f)).sort((a, b) => b.id - a.id);
  const shown = all.slice(0, MAX_STREAM);
  const firstRender = state.seen.size === 0;
  count('messages-count', shown.length, f.kind === 'all' && !f.text ? state.store.totals.messages : undefined);
  $('messages').replaceChildren(...(shown.length ? shown.map((m) => {
    const fresh = !firstRender && !state.seen.has(m.id);
    state.seen.add(m.id);
    return messageRow(m, fresh);
  }) : [el('li', { class: 'empty' }, 'no message yet')]));
}

function renderSockets() {
  const f = state.filter;
  const s = state.store.sockets;
  const list = s.list.filter((x) => V.socketMatches(x, f));
  count('sockets-count', list.length, s.total);
  $('sockets').replaceChildren(...(list.length ? list.map((x) => el('tr', { 'data-socket': String(x.id), 'data-uid': x.uid || '' },
    el('td', { class: 'id' }, String(x.id)),
    el('td', {}, x.uid || el('span', { class: 'muted' }, 'not authenticated')),
    el('td', { class: 'id', title: x.remote }, V.clip(x.session || '', 18)),
    el('td', { class: 'id' }, x.presence || ''),
    el('td', {}, x.halfOpen ? el('span', { class: 'chip banned' }, 'half open') : x.closing ? el('span', { class: 'chip' }, 'closing') : 'open'),
    el('td', {}, x.uid ? el('button', { class: 'small danger', type: 'button', onclick: () => dropUser(x.uid) }, 'drop') : null),
  )) : [el('tr', {}, el('td', { class: 'empty', colspan: 6 }, 'no open socket'))]));
}

function renderCalls() {
  const calls = [...state.store.calls.values()].sort((a, b) => a.initiatedAt - b.initiatedAt);
  count('calls-count', calls.length);
  $('calls').replaceChildren(...(calls.length ? calls.map((c) => el('li', { 'data-call': c.sessionId },
    el('span', { class: 'chip' }, c.type), el('span', { class: 'name' }, c.initiator), ' → ',
    c.receiverType === 'group' ? '# ' + c.receiver : c.receiver,
    el('span', { class: 'chip' }, c.status), el('span', { class: 'id' }, V.fmtTime(c.initiatedAt)),
    c.joined && c.joined.length ? el('span', { class: 'muted' }, 'in call: ' + c.joined.join(', ')) : null,
  )) : [el('li', { class: 'empty' }, 'no call in progress')]));
}

function renderFaults() {
  const fs = state.store.faults;
  $('faults').replaceChildren(...fs.map((x) => el('li', { 'data-fault': x.id },
    el('span', { class: 'chip banned' }, x.status ? String(x.status) : `delay ${x.delayMs} ms`),
    el('span', {}, `${x.method || 'any'} ${x.pathPrefix || '/'}`),
    el('span', { class: 'muted' }, x.remaining < 0 ? 'until cleared' : `${x.remaining} left`))));
}

// ---- acting ---------------------------------------------------------------

function showResult(text, bad = false) {
  const r = $('act-result');
  r.className = 'result' + (bad ? ' bad' : '');
  r.textContent = text;
}

async function act(path, describe, opts = { method: 'POST' }) {
  try {
    const r = await api(path, opts);
    showResult(describe(r || {}));
  } catch (err) {
    showResult(String(err.message || err), true);
  }
}

function setupActions() {
  $('filter-scope').addEventListener('change', () => setScope($('filter-scope').value));
  $('filter-text').addEventListener('input', () => { state.filter = V.parseFilter($('filter-scope').value, $('filter-text').value); renderAll(); });
  $('act-drop').addEventListener('click', () => act('hook/sockets/drop', (r) => `dropped ${r.affected} socket(s)`));
  $('act-halfopen').addEventListener('click', () => act('hook/sockets/halfopen', (r) => `${r.affected} socket(s) half open`));
  $('act-restart').addEventListener('click', () => act('hook/restart', () => 'restarted: every connection was closed, the state is kept'));
  $('fault-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const fault = { status: Number($('fault-status').value), pathPrefix: $('fault-path').value.trim(),
      count: Number($('fault-count').value), method: $('fault-method').value.trim() };
    act('hook/faults', (r) => `fault ${r.id} installed`, { method: 'POST', json: fault });
  });
  $('fault-clear').addEventListener('click', () => act('hook/faults', () => 'faults cleared', { method: 'DELETE' }));
  $('user-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const uid = $('user-uid').value.trim();
    act('users', () => `user ${uid} created`, { method: 'POST', json: { uid, name: $('user-name').value.trim() } })
      .then(() => { $('user-uid').value = ''; $('user-name').value = ''; });
  });
  $('group-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const guid = $('group-guid').value.trim();
    const type = $('group-type').value;
    act('groups', () => `group ${guid} created`, { method: 'POST', json: { guid, name: $('group-name').value.trim(), type,
      owner: $('group-owner').value, password: type === 'password' ? 'password' : '' } });
  });
  $('act-export').addEventListener('click', async () => {
    try {
      const doc = await api('hook/export', { raw: true });
      const url = URL.createObjectURL(new Blob([doc], { type: 'application/json' }));
      const a = el('a', { href: url, download: 'cometchat-fake-snapshot.json' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      showResult(`snapshot exported (${doc.length} bytes)`);
    } catch (err) { showResult(String(err.message || err), true); }
  });
  $('act-import-file').addEventListener('change', async () => {
    const file = $('act-import-file').files[0];
    if (!file) return;
    const body = await file.text();
    $('act-import-file').value = '';
    act('hook/import', (r) => `imported: ${r.users} users, ${r.groups} groups, ${r.messages} messages`, { method: 'POST', body });
  });
  let resetArmed = 0;
  $('act-reset').addEventListener('click', () => {
    if (Date.now() - resetArmed > 3000) {
      resetArmed = Date.now();
      $('act-reset').textContent = 'Really reset?';
      setTimeout(() => { $('act-reset').textContent = 'Reset'; }, 3000);
      return;
    }
    resetArmed = 0;
    $('act-reset').textContent = 'Reset';
    act('hook/reset', () => 'reset to the seeded state');
  });
}

// ---- chatting as a user ---------------------------------------------------
// The page is a client like any other: an auth token from the inspector,
// then the emulator's client REST API and a websocket of its own.

const chat = {
  uid: '', token: '', gen: 0, ws: null, connected: false, retry: 0,
  deviceId: 'inspector-' + V.newMuid().slice(10),
  typing: new Map(), // uid -> timer: who is typing to me in the open conversation
  typingSent: false, typingTimer: 0, readSent: new Set(),
  pingSent: 0, // when the unanswered ping left; 0: none pending
};

// Like the SDKs, the page notices a socket that went silent (half open):
// a ping every 5 s, answered within 5 s, or the socket is given up.
const PING_EVERY = 5000;
const PONG_WITHIN = 5000;

function peer() {
  const v = $('chat-with').value;
  if (!v) return null;
  const [type, ...rest] = v.split(':');
  return { type, id: rest.join(':') };
}

async function rest(path, { method = 'GET', json } = {}) {
  const headers = { appId: state.boot.appId, authToken: chat.token, resource: chat.deviceId, 'Content-Type': 'application/json' };
  const res = await fetch(state.boot.baseUrl + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), cache: 'no-store' });
  return (await readReply(res)).data.data;
}

function chatLogout() {
  chat.gen++;
  clearTimeout(chat.retry);
  if (chat.ws) { const ws = chat.ws; chat.ws = null; ws.close(1000); }
  chat.connected = false;
  chat.uid = '';
  chat.token = '';
  chat.pingSent = 0;
  chat.typing.clear();
  setPill($('chat-status'), 'off', 'offline');
  enableChat();
}

function chatLogin(uid) {
  chatLogout();
  chat.uid = uid;
  renderSelects();
  renderChat();
  if (uid) connectChat(chat.gen);
}

// socketLost gives up ws and tries again in a moment.
function socketLost(ws, gen) {
  if (chat.ws !== ws) return;
  ws.onclose = null;
  ws.onmessage = null;
  ws.close();
  chat.ws = null;
  chat.connected = false;
  chat.pingSent = 0;
  enableChat();
  if (gen !== chat.gen) return;
  setPill($('chat-status'), 'wait', 'reconnecting…');
  clearTimeout(chat.retry);
  chat.retry = setTimeout(() => connectChat(gen), 1000);
}

async function connectChat(gen) {
  if (gen !== chat.gen) return;
  setPill($('chat-status'), 'wait', 'connecting…');
  try {
    // an auth token from the inspector, then the client API and a socket
    if (!chat.token) chat.token = (await api('login', { method: 'POST', json: { uid: chat.uid } })).authToken;
    if (gen !== chat.gen) return;
    let me;
    try {
      me = await rest('/me');
    } catch (err) {
      if (/AUTH_ERR/.test(String(err.message))) chat.token = ''; // revoked: ask for another
      throw err;
    }
    if (gen !== chat.gen) return;
    const ws = new WebSocket(state.boot.webSocketUrl);
    chat.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ appId: state.boot.appId, type: 'auth', sender: chat.uid, deviceId: chat.deviceId,
      body: { auth: me.jwt, deviceId: chat.deviceId, presenceSubscription: 'ALL_USERS' } }));
    ws.onmessage = (e) => { if (gen === chat.gen && chat.ws === ws) onChatFrame(e.data); };
    ws.onclose = () => socketLost(ws, gen);
  } catch (err) {
    if (gen !== chat.gen) return;
    setPill($('chat-status'), 'bad', 'offline: ' + String(err.message || err));
    clearTimeout(chat.retry);
    chat.retry = setTimeout(() => connectChat(gen), 2000);
  }
}

setInterval(() => {
  const ws = chat.ws;
  if (!ws || !chat.connected) return;
  if (chat.pingSent && Date.now() - chat.pingSent > PONG_WITHIN) { socketLost(ws, chat.gen); return; }
  if (!chat.pingSent) { chat.pingSent = Date.now(); ws.send('{"action":"ping"}'); }
}, PING_EVERY);

function sendFrame(frame) {
  if (chat.ws && chat.connected) chat.ws.send(JSON.stringify({ appId: state.boot.appId, sender: chat.uid, deviceId: chat.deviceId, ...frame }));
}

function enableChat() {
  const ok = Boolean(chat.uid && peer());
  $('chat-text').disabled = !ok;
  $('chat-send').disabled = !ok;
}

function onChatFrame(data) {
  let f;
  try { f = JSON.parse(data); } catch { return; }
  if (f.action === 'pong') { chat.pingSent = 0; return; }
  const p = peer();
  switch (f.type) {
    case 'auth':
      if (f.body && f.body.code === '200') {
        chat.connected = true;
        setPill($('chat-status'), 'live', 'online as ' + chat.uid);
        enableChat();
        renderChat();
      } else {
        setPill($('chat-status'), 'bad', 'refused: ' + ((f.body && f.body.message) || 'unauthorized'));
      }
      break;
    case 'typing_indicator': {
      const inOpen = p && ((p.type === 'user' && f.receiverType === 'user' && f.sender === p.id) ||
        (p.type === 'group' && f.receiverType === 'group' && f.receiver === p.id));
      if (!inOpen) break;
      clearTimeout(chat.typing.get(f.sender));
      chat.typing.delete(f.sender);
      if (f.body && f.body.action === 'started') {
        chat.typing.set(f.sender, setTimeout(() => { chat.typing.delete(f.sender); renderTyping(); }, 6000));
      }
      renderTyping();
      break;
    }
    case 'message': {
      const m = f.body || {};
      if (m.sender === chat.uid || !(m.category === 'message' || m.category === 'custom')) break;
      // a client acknowledges what it receives
      sendFrame({ type: 'receipts', receiver: m.receiverType === 'group' ? m.receiver : m.sender, receiverType: m.receiverType,
        messageSender: m.sender, body: { action: 'delivered', messageId: String(m.id) } });
      if (chat.typing.has(m.sender)) { clearTimeout(chat.typing.get(m.sender)); chat.typing.delete(m.sender); renderTyping(); }
      break;
    }
    default:
  }
}

function renderTyping() {
  const names = [...chat.typing.keys()].map(userName);
  $('chat-typing').textContent = names.length ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…` : '';
}

function renderChat() {
  const p = peer();
  enableChat();
  const log = $('chat-log');
  if (!chat.uid || !p) {
    log.replaceChildren(el('li', { class: 'note' }, 'Choose a user to chat as, and a user or group to chat with.'));
    return;
  }
  const convId = V.conversationId(chat.uid, p.type, p.id);
  const msgs = V.messagesOf(state.store, convId).slice(-200);
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  log.replaceChildren(...(msgs.length ? msgs.map((m) => {
    const mine = m.sender === chat.uid;
    const rc = V.receiptSummary(m);
    const plain = m.category === 'message' || m.category === 'custom';
    return el('li', { class: !plain ? 'note' : mine ? 'mine' : '', 'data-id': String(m.id) },
      plain ? el('span', { class: 'meta' }, `${userName(m.sender)} · ${V.fmtTime(m.sentAt)}${m.editedAt ? ' · edited' : ''}`) : null,
      el('span', { class: 'text' }, V.messageSummary(m)),
      mine && plain ? el('span', { class: 'rcpt ' + rc.state, title: rc.title, 'data-receipt': rc.state }, ' ' + rc.mark) : null);
  }) : [el('li', { class: 'note' }, `No message between ${chat.uid} and ${p.id} yet.`)]));
  if (atBottom || msgs.length) log.scrollTop = log.scrollHeight;
  // reading the open conversation: a read receipt for the newest message of someone else
  const last = [...msgs].reverse().find((m) => m.sender !== chat.uid && (m.category === 'message' || m.category === 'custom'));
  if (last && chat.connected && document.visibilityState === 'visible' && !chat.readSent.has(last.id) &&
      !(last.receipts || []).some((r) => r.uid === chat.uid && r.readAt)) {
    chat.readSent.add(last.id);
    sendFrame({ type: 'receipts', receiver: p.type === 'group' ? p.id : last.sender, receiverType: p.type,
      messageSender: last.sender, body: { action: 'read', messageId: String(last.id) } });
  }
}

function typingFrame(action) {
  const p = peer();
  if (!p) return;
  sendFrame({ type: 'typing_indicator', receiver: p.id, receiverType: p.type, body: { action } });
}

function stopTyping() {
  clearTimeout(chat.typingTimer);
  if (chat.typingSent) { chat.typingSent = false; typingFrame('ended'); }
}

function setupChat() {
  $('chat-as').addEventListener('change', () => chatLogin($('chat-as').value));
  $('chat-with').addEventListener('change', () => { stopTyping(); chat.typing.clear(); renderTyping(); renderChat(); });
  $('chat-text').addEventListener('input', () => {
    if (!chat.typingSent) { chat.typingSent = true; typingFrame('started'); }
    clearTimeout(chat.typingTimer);
    chat.typingTimer = setTimeout(stopTyping, 3000);
  });
  $('chat-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = peer();
    const text = $('chat-text').value;
    if (!p || !chat.uid || !text.trim()) return;
    stopTyping();
    try {
      await rest('/messages', { method: 'POST', json: { receiver: p.id, receiverType: p.type, category: 'message', type: 'text',
        data: { text }, muid: V.newMuid() } });
      $('chat-text').value = '';
    } catch (err) {
      showResult('send failed: ' + String(err.message || err), true);
    }
  });
  document.addEventListener('visibilitychange', renderChat);
}

setupActions();
setupChat();
feedLoop();
