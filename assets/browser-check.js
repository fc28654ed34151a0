/* A browser too old for SPCP Live gets a plain page that says so, in its reader's language.
 *
 * NiceGUI builds every page with ES modules that find Vue through an import map (Safari 16.4,
 * Chrome 89, Firefox 108 and newer). Without import maps a phone would show a blank page, or
 * NiceGUI's English "does not support ES modules". This classic script is ES5 on purpose, so an
 * old browser can parse it. It is loaded with `defer` from the page head: it runs once the page is
 * parsed and before NiceGUI's module scripts (document order), so:
 *   - HTMLScriptElement.supports('importmap') is false: the message replaces the page at once; with
 *     no #app left, NiceGUI never mounts and opens no connection (nobody joins a room);
 *   - no HTMLScriptElement.supports at all (older than Safari 16, Chrome 96, Firefox 94: some of
 *     them do have import maps): wait for the load event, by which NiceGUI's first module has
 *     removed #esm-fallback if it could run; if that element is still there, the modules failed.
 */
(function () {
  'use strict';

  var TEXTS = {
    en: {
      title: 'This browser is too old for SPCP Live',
      need: 'SPCP Live needs Safari 16.4, Chrome 89, Firefox 108 or a newer browser.',
      todo: 'Please update your browser or try another phone, or ask the facilitator for a paper card: ' +
        'you can take part on paper too.'
    },
    es: {
      title: 'Este navegador es demasiado antiguo para SPCP Live',
      need: 'SPCP Live necesita Safari 16.4, Chrome 89, Firefox 108 o un navegador más reciente.',
      todo: 'Actualice su navegador o pruebe con otro teléfono, o pida al facilitador una tarjeta de papel: ' +
        'también puede participar en papel.'
    },
    hi: {
      title: 'यह ब्राउज़र SPCP Live के लिए बहुत पुराना है',
      need: 'SPCP Live के लिए Safari 16.4, Chrome 89, Firefox 108 या इससे नया ब्राउज़र चाहिए।',
      todo: 'कृपया अपना ब्राउज़र अपडेट करें या कोई दूसरा फ़ोन आज़माएँ, या सूत्रधार से काग़ज़ का कार्ड माँगें। ' +
        'आप काग़ज़ पर भी भाग ले सकते हैं।'
    },
    ar: {
      title: 'هذا المتصفح قديم جدًا لتشغيل SPCP Live',
      need: 'يحتاج SPCP Live إلى Safari 16.4 أو Chrome 89 أو Firefox 108 أو متصفح أحدث.',
      todo: 'يُرجى تحديث المتصفح أو تجربة هاتف آخر، أو طلب بطاقة ورقية من الميسِّر، ' +
        'فيمكنك المشاركة على الورق أيضًا.'
    }
  };

  /* The first of the browser's languages that has a text; English otherwise. */
  function language() {
    var wanted = [].concat(navigator.languages || [], navigator.language || navigator.userLanguage || []);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i]).toLowerCase().split('-')[0];
      if (Object.prototype.hasOwnProperty.call(TEXTS, code)) {
        return code;
      }
    }
    return 'en';
  }

  function add(parent, tag, text, styles) {
    var element = document.createElement(tag);
    element.appendChild(document.createTextNode(text));
    for (var name in styles) {
      if (Object.prototype.hasOwnProperty.call(styles, name)) {
        element.style[name] = styles[name];  // style properties, not a style attribute: the CSP allows these
      }
    }
    parent.appendChild(element);
    return element;
  }

  /* Replace the whole page with the message (NiceGUI's elements, scripts and #app go with it). */
  function show() {
    if (document.getElementById('spcp-old-browser')) {
      return;
    }
    var code = language();
    var text = TEXTS[code];
    var root = document.documentElement;
    var label = function () {
      root.setAttribute('lang', code);
      root.setAttribute('dir', code === 'ar' ? 'rtl' : 'ltr');
      document.title = text.title;
    };
    label();
    if (document.readyState !== 'complete') {
      window.addEventListener('load', label);  // Quasar's script, deferred after this one, sets the page's own
    }
    var body = document.body;
    while (body.firstChild) {
      body.removeChild(body.firstChild);
    }
    body.style.background = '#ffffff';
    body.style.color = '#111111';
    var main = add(body, 'div', '', {
      maxWidth: '34em', margin: '2em auto', padding: '0 1em', lineHeight: '1.5', fontSize: '1.15em',
      // the SPCP fonts are spcp.css's own (Devanagari, Arabic), for phones that have none
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "SPCP Devanagari", "SPCP Arabic", sans-serif'
    });
    main.id = 'spcp-old-browser';
    main.setAttribute('role', 'alert');
    add(main, 'h1', text.title, {fontSize: '1.5em', fontWeight: '700', lineHeight: '1.3', margin: '0 0 0.6em'});
    add(main, 'p', text.need, {margin: '0 0 0.8em'});
    add(main, 'p', text.todo, {margin: '0'});
  }

  function whenParsed(callback) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', callback);
    } else {
      callback();
    }
  }

  var scripts = window.HTMLScriptElement;
  if (scripts && typeof scripts.supports === 'function') {
    if (!scripts.supports('importmap')) {
      whenParsed(show);
    }
  } else if (window.addEventListener) {
    window.addEventListener('load', function () {
      if (document.getElementById('esm-fallback')) {  // NiceGUI's first module never ran
        show();
      }
    });
  }
}());
