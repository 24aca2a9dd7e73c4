// Tests of the inspector's helpers (ui/view.js), run in the page by
// TestInspectorViewHelpers: the expression evaluates to the list of
// failures (empty when all pass).
(() => {
  const V = window.InspectorView;
  const failures = [];
  const eq = (what, got, want) => {
    const g = JSON.stringify(got); const w = JSON.stringify(want);
    if (g !== w) failures.push(`${what}: got ${g}, want ${w}`);
  };
  const throws = (what, f) => {
    try { f(); failures.push(`${what}: did not throw`); } catch { /* as it should */ }
  };
  if (!V) return ['window.InspectorView is missing'];

  // SSEParser: events split anywhere across chunks
  {
    const p = new V.SSEParser();
    const got = [];
    for (const chunk of [': hello\n\nevent: vi', 'ew\ndata: {"a"', ':1}\n', '\n', 'data: x\r', '\ndata: y\r\n\r\n', 'data: no end']) {
      got.push(...p.push(chunk));
    }
    eq('sse events', got, [{ event: 'view', data: '{"a":1}' }, { event: 'message', data: 'x\ny' }]);
  }

  // applyEvent: snapshots replace, deltas update
  {
    const s = V.newStore();
    const msg = (id, extra) => ({ id, conversationId: 'a_user_b', sender: 'a', receiver: 'b', receiverType: 'user', category: 'message', type: 'text', text: 't' + id, ...extra });
    V.applyEvent(s, { snapshot: true, users: [{ uid: 'a', name: 'A' }, { uid: 'b', name: 'B' }], groups: [{ guid: 'g', name: 'G', members: [{ uid: 'a', scope: 'admin' }] }],
      messages: [msg(1)], calls: [{ sessionId: 's1', active: true }], sockets: { list: [], presence: {}, total: 0 }, faults: [], totals: { users: 2 } });
    eq('snapshot users', [...s.users.keys()], ['a', 'b']);
    let changed = V.applyEvent(s, { users: [{ uid: 'b', name: 'B', deactivated: true }], messages: [msg(2), msg(1, { text: 'edited', editedAt: 5 })],
      calls: [{ sessionId: 's1', active: false }], sockets: { list: [{ id: 1, uid: 'a' }], presence: { a: 1 }, total: 1 }, totals: { users: 1 } });
    eq('deactivated user gone', [...s.users.keys()], ['a']);
    eq('messages upserted', [...s.messages.values()].map((m) => m.text), ['edited', 't2']);
    eq('ended call gone', s.calls.size, 0);
    eq('sockets change users', [...changed].sort(), ['calls', 'messages', 'sockets', 'totals', 'users']);
    changed = V.applyEvent(s, { removedGroups: ['g'], totals: {} });
    eq('group removed', s.groups.size, 0);
    V.applyEvent(s, { snapshot: true, users: [], totals: {} });
    eq('snapshot clears', [s.users.size, s.messages.size], [0, 0]);
    const many = [];
    for (let i = 1; i <= V.MAX_MESSAGES + 10; i++) many.push(msg(i));
    V.applyEvent(s, { messages: many, totals: {} });
    eq('messages bounded', [s.messages.size, Math.min(...s.messages.keys())], [V.MAX_MESSAGES, 11]);
  }

  // filters
  {
    const groups = new Map([['g', { guid: 'g', name: 'G', owner: 'a', members: [{ uid: 'a' }, { uid: 'b' }], bans: [{ uid: 'z' }] }]]);
    const m = { sender: 'a', receiver: 'b', receiverType: 'user', category: 'message', type: 'text', text: 'Hello <b>there</b>' };
    const gm = { sender: 'c', receiver: 'g', receiverType: 'group', category: 'action', type: 'groupMember', action: 'kicked', onUser: 'b' };
    const f = (scope, text) => V.parseFilter(scope, text);
    eq('filter parse', f('user:x:y', ' Hi '), { kind: 'user', id: 'x:y', text: 'hi' });
    eq('filter parse all', f('bogus', ''), { kind: 'all', id: '', text: '' });
    eq('message by user', [V.messageMatches(m, f('user:a')), V.messageMatches(m, f('user:b')), V.messageMatches(m, f('user:c'))], [true, true, false]);
    eq('action on a user', V.messageMatches(gm, f('user:b')), true);
    eq('message by group', [V.messageMatches(gm, f('group:g')), V.messageMatches(m, f('group:g'))], [true, false]);
    eq('message by text', [V.messageMatches(m, f('all', '<B>THERE')), V.messageMatches(m, f('all', 'nope'))], [true, false]);
    eq('user in group', [V.userMatches({ uid: 'b', name: 'B' }, f('group:g'), groups), V.userMatches({ uid: 'c', name: 'C' }, f('group:g'), groups)], [true, false]);
    eq('group of user', [V.groupMatches(groups.get('g'), f('user:b')), V.groupMatches(groups.get('g'), f('user:z')), V.groupMatches(groups.get('g'), f('user:q'))], [true, true, false]);
    eq('conversation', [V.conversationMatches({ id: 'a_user_b', receiverType: 'user', with: ['a', 'b'] }, f('user:b')),
      V.conversationMatches({ id: 'group_g', receiverType: 'group', with: ['g'] }, f('user:b'))], [true, false]);
    eq('socket', [V.socketMatches({ uid: 'a', session: 's' }, f('user:a')), V.socketMatches({ uid: 'a' }, f('group:g'))], [true, false]);
  }

  // conversations and summaries
  eq('conversation ids', [V.conversationId('b', 'user', 'a'), V.conversationId('a', 'user', 'b'), V.conversationId('a', 'group', 'g')],
    ['a_user_b', 'a_user_b', 'group_g']);
  {
    const a = (action, extra) => V.messageSummary({ category: 'action', sender: 'x', receiver: 'g', action, ...extra });
    eq('summaries', [
      a('joined'), a('kicked', { onUser: 'y' }), a('scopeChanged', { onUser: 'y', scopeNew: 'moderator', scopeOld: 'participant' }),
      a('edited', { onMessage: 7, onText: 'new' }), a('deleted', { onMessage: 7 }),
      V.messageSummary({ category: 'call', type: 'video', call: { type: 'video', status: 'ongoing' } }),
      V.messageSummary({ category: 'message', type: 'text', text: 'hi', deletedAt: 3 }),
      V.messageSummary({ category: 'custom', type: 'location', data: '{"lat":1}' }),
      V.messageSummary({ category: 'custom', type: 'location', data: '{"lat":1}' }, false),
      V.messageSummary({ category: 'message', type: 'image', data: '{"url":"u"}' }),
    ], ['x joined g', 'x kicked y from g', 'x made y moderator (was participant) in g', 'x edited #7: new', 'x deleted #7',
      'video call ongoing', '(deleted)', 'custom location: {"lat":1}', 'custom location', 'image: {"url":"u"}']);
    const read = V.receiptSummary({ receipts: [{ uid: 'b', deliveredAt: 1, readAt: 2 }, { uid: 'c', deliveredAt: 1 }] });
    eq('receipts', [V.receiptSummary({}).state, V.receiptSummary({ receipts: [{ uid: 'b', deliveredAt: 1 }] }).state, read.state, read.title],
      ['sent', 'delivered', 'read', 'read by b']);
  }

  // formatting
  eq('fmtTime', [V.fmtTime(0), /^\d\d:\d\d:\d\d$/.test(V.fmtTime(1800000000))], ['', true]);
  eq('clip', [V.clip('abcdef', 3), V.clip('abc', 3), V.clip(null, 3)], ['abc…', 'abc', '']);
  eq('initials', [V.initials('Iron Man'), V.initials('spiderman'), V.initials(''), V.initials('Mary Jane Watson')], ['IM', 'SP', '?', 'MW']);
  eq('muid', /^inspector-[0-9a-f]{16}$/.test(V.newMuid()), true);

  // el: data is text, never markup
  {
    const probe = '<img src=x onerror="window.__xssProbe=1"><b>bold</b>';
    const node = V.el('div', { class: 'c', 'data-x': probe, title: probe }, probe, ['nested ', probe], null, false, 7);
    eq('el text', [node.children.length, node.textContent], [0, probe + 'nested ' + probe + '7']);
    eq('el attributes are strings', [node.getAttribute('data-x'), node.className], [probe, 'c']);
    const clicked = [];
    V.el('button', { onclick: () => clicked.push(1) }).click();
    eq('el handler', clicked, [1]);
    throws('el refuses a string handler', () => V.el('a', { onclick: 'window.__xssProbe=2' }));
    throws('el refuses innerHTML', () => V.el('div', { innerHTML: probe }));
    throws('el refuses style', () => V.el('div', { style: 'x' }));
    throws('el refuses src', () => V.el('img', { src: 'x' }));
    eq('nothing ran', window.__xssProbe, undefined);
  }
  return failures;
})()
