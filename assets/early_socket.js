// A phone's socket, opened as soon as socket.io and nicegui.js have run, while Vue and Quasar still
// arrive and run (on the slow phone ~0.5 s): NiceGUI opens it only once Vue has mounted the page, and
// the room was usable a handshake (130-290 ms) after that. spcp/phone_html.py writes this file into a
// phone's page as an inline module (deferred, in order with NiceGUI's deferred scripts), right after
// socket.io and nicegui.js, after a line `const SPCP_SOCKET = {...}` with the socket's path, query, extra
// headers and transports, as NiceGUI's template gives them to createApp.
//
// When NiceGUI's mounted() asks io() for its socket, it is handed this one, with NiceGUI's own query
// object (NiceGUI keeps next_message_id current in it for reconnects) holding this socket's ids, and
// then hears, in order, everything the socket heard before NiceGUI listened (connect, updates ...).
(() => {
  const config = SPCP_SOCKET;
  const modern = window.HTMLScriptElement?.supports?.('importmap');  // else browser-check.js's page
  if (!modern || document.prerendering || !window.io || typeof TAB_ID === 'undefined') return;
  const query = {...config.query, document_id: createRandomUUID(), tab_id: TAB_ID, old_tab_id: OLD_TAB_ID};
  const url = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host;
  const socket = window.io(url, {path: config.path, query, extraHeaders: config.extraHeaders,
                                 transports: [...config.transports], tryAllTransports: true});
  const heard = [];
  const keep = (name) => (...args) => heard.push([name, args]);
  const reserved = ['connect', 'connect_error', 'disconnect'].map((name) => [name, keep(name)]);
  const other = (name, ...args) => heard.push([name, args]);
  for (const [name, listener] of reserved) socket.on(name, listener);
  socket.onAny(other);

  const io = window.io;
  window.io = (target, options) => {
    window.io = io;
    if (options?.path !== config.path) return io(target, options);
    window.documentId = query.document_id;
    socket.io.opts.query = Object.assign(options.query, query);
    // NiceGUI adds its listeners in the same mounted() right after this call: pass on what they missed then
    queueMicrotask(() => {
      for (const [name, listener] of reserved) socket.off(name, listener);
      socket.offAny(other);
      for (const [name, args] of heard) {
        for (const listener of socket.listeners(name)) listener(...args);
      }
    });
    return socket;
  };
})();
