// The phone's own outbox and drafts: nothing a participant writes or taps is lost when the Wi-Fi
// drops, the server restarts or the page reloads.
//
// - Drafts: whatever is typed into a box marked data-draft="<field>" is kept in localStorage (per
//   room) and put back when the box appears again (after a reload or a phase change).
// - Outbox: a tap (add an issue, a dot, a proposal, an endorsement) becomes an item with its own
//   idempotency key and its full content (a submit carries its text), kept in localStorage until
//   the server acknowledges it. Items are sent with NiceGUI's emitEvent('spcp_outbox', item) to
//   whatever page of the room is open now, so a reload or a new connection sends them again; the
//   server counts each key once. "Try again later" keeps an item; a refusal for good gives a
//   typed text back (kept on screen, never silently dropped).
// - A banner says when the phone is offline and how many taps wait to be sent, in the reader's
//   language (labels come from the page: <div class="spcp-outbox" data-room data-labels>).
(function () {
  'use strict';
  if (window.spcpOutbox) return;  // one outbox a page: one already there (tests/browser/test_offline.py's control) stays
  var PREFIX = 'spcp:';
  var RESEND_MS = 8000;          // an item sent but not acknowledged by then is sent again
  var OFFLINE_AFTER_MS = 1500;   // a blip shorter than this shows no banner
  var MAX_AGE_MS = 24 * 3600 * 1000;

  function load(name, fallback) {
    try { var v = JSON.parse(localStorage.getItem(PREFIX + name)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function keep(name, value) {
    try { localStorage.setItem(PREFIX + name, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }
  function config() {
    var el = document.querySelector('.spcp-outbox');
    if (!el) return null;
    var labels = {};
    try { labels = JSON.parse(el.getAttribute('data-labels') || '{}'); } catch (e) { /* keep defaults */ }
    return { room: el.getAttribute('data-room'), labels: labels };
  }
  function newKey() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 12); }
  function items() {
    var now = Date.now();
    return load('outbox', []).filter(function (i) { return now - i.at < MAX_AGE_MS; });
  }
  function saveItems(list) { keep('outbox', list); render(); }
  function connected() { return !!(window.socket && window.socket.connected && window.did_handshake); }

  // ---------- drafts ----------
  // Quasar puts the data-draft attribute on the native <textarea>/<input> itself, not on a wrapper
  function textOf(root) {
    return root && (root.matches('textarea, input') ? root : root.querySelector('textarea, input'));
  }
  function box(field) { return textOf(document.querySelector('[data-draft="' + field + '"]')); }
  function draftName(room, field) { return 'draft:' + room + ':' + field; }
  function setBox(input, value) {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));  // Vue's model follows, and so does the server
  }
  document.addEventListener('input', function (event) {
    var root = event.target.closest && event.target.closest('[data-draft]');
    var cfg = config();
    if (root && cfg) keep(draftName(cfg.room, root.getAttribute('data-draft')), event.target.value);
  }, true);
  function restoreDrafts(cfg) {
    document.querySelectorAll('[data-draft]').forEach(function (root) {
      var input = textOf(root);
      if (!input || root.getAttribute('data-restored')) return;
      root.setAttribute('data-restored', '1');
      var saved = load(draftName(cfg.room, root.getAttribute('data-draft')), '');
      if (saved && !input.value) setBox(input, saved);
    });
  }

  // ---------- outbox ----------
  var lastSubmit = 0;
  function send(action) {
    var cfg = config();
    if (!cfg) return;
    var item = Object.assign({ key: newKey(), room: cfg.room, at: Date.now() }, action);
    if (action.field) {  // the text goes with the tap; the box empties at once (it is in the outbox now)
      var input = box(action.field);
      item.text = input ? input.value : '';
      if (!item.text.trim() && Date.now() - lastSubmit < 3000) return;  // a double tap: the first one took the text
      lastSubmit = Date.now();
      if (input && item.text.trim()) setBox(input, '');
      keep(draftName(cfg.room, action.field), '');
    }
    if (action.kind === 'endorse') {
      var button = document.querySelector('[data-solution="' + action.solution_id + '"]');
      item.endorsed = !(button && button.getAttribute('aria-pressed') === 'true');
    }
    var list = items();
    list.push(item);
    saveItems(list);
    flush();
  }
  function flush() {
    var cfg = config();
    if (!cfg || !connected() || typeof window.emitEvent !== 'function') return;
    var now = Date.now();
    var list = items();
    var changed = false;
    list.forEach(function (item) {
      if (item.room !== cfg.room || (item.sent && now - item.sent < RESEND_MS) || (item.retryAt && now < item.retryAt)) return;
      item.sent = now;
      changed = true;
      window.emitEvent('spcp_outbox', item);
    });
    if (changed) saveItems(list);
  }
  function ack(key, state, seconds) {
    var list = items();
    var item = list.filter(function (i) { return i.key === key; })[0];
    if (!item) return;
    if (state === 'retry') {
      item.sent = 0;
      item.retryAt = Date.now() + 1000 * Math.max(1, seconds || 5);
    } else {
      list = list.filter(function (i) { return i.key !== key; });
      if (state === 'kept' && item.text) {  // refused for good: give the words back, never drop them
        var cfg = config();
        var input = item.field && box(item.field);
        if (input && !input.value) setBox(input, item.text);
        else if (cfg) keep('kept:' + cfg.room, load('kept:' + cfg.room, []).concat([item.text]));
      }
    }
    saveItems(list);
  }

  // ---------- what the phone shows ----------
  var offlineSince = null;
  function banner() {
    var el = document.getElementById('spcp-banner');
    if (!el) {
      el = document.createElement('div');
      el.id = 'spcp-banner';
      el.setAttribute('role', 'status');
      el.setAttribute('aria-live', 'polite');
      document.body.appendChild(el);
    }
    return el;
  }
  function render() {
    var cfg = config();
    if (!cfg || !document.body) return;
    var el = banner();
    var waiting = items().filter(function (i) { return i.room === cfg.room; });
    var kept = load('kept:' + cfg.room, []);
    var offline = offlineSince !== null && Date.now() - offlineSince > OFFLINE_AFTER_MS;
    // rebuilt only when what it says changes: render() runs every second, and rebuilding an aria-live
    // region each time made screen readers repeat it and took the focus off its OK button
    var state = JSON.stringify([offline, waiting.map(function (i) { return i.text || ''; }), kept]);
    if (el.getAttribute('data-shown') === state) return;
    el.setAttribute('data-shown', state);
    el.textContent = '';
    el.className = offline ? 'offline' : '';
    if (offline) line(el, 'strong', cfg.labels.offline || 'Offline: your words are kept.');
    if (waiting.length) {
      line(el, 'span', (cfg.labels.waiting || 'Waiting to send: {n}').replace('{n}', String(waiting.length)));
      waiting.forEach(function (i) { if (i.text) line(el, 'q', i.text).setAttribute('dir', 'auto'); });
    }
    kept.forEach(function (text, index) {
      var row = line(el, 'div', '');
      line(row, 'span', cfg.labels.kept || 'Not sent. Your text:');
      row.appendChild(document.createTextNode(' '));  // inline: without it the label ran into the text
      line(row, 'q', text).setAttribute('dir', 'auto');
      var dismiss = line(row, 'button', cfg.labels.dismiss || 'OK');
      dismiss.onclick = function () {
        var rest = load('kept:' + cfg.room, []);
        rest.splice(index, 1);
        keep('kept:' + cfg.room, rest);
        render();
      };
    });
    el.hidden = !offline && !waiting.length && !kept.length;
    // notifications sit at the bottom too: lift them above the banner rather than over it
    document.documentElement.style.setProperty('--spcp-banner-height', el.hidden ? '0px' : el.offsetHeight + 'px');
  }
  function line(parent, tag, text) {
    var child = document.createElement(tag);
    child.textContent = text;  // participant text is only ever text, never markup
    parent.appendChild(child);
    return child;
  }

  setInterval(function () {
    var cfg = config();
    if (!cfg) return;
    if (connected()) offlineSince = null;
    else if (offlineSince === null) offlineSince = Date.now();
    restoreDrafts(cfg);
    flush();
    render();
  }, 1000);

  window.spcpOutbox = { send: send, ack: ack, flush: flush, items: items };
})();
