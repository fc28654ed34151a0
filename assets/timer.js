// Countdown on board and phones, ticking in the browser: the server only sends a change when
// the facilitator sets, starts or stops the timer. data-timer is "run:<ms left when sent>:<stamp>"
// or "stop:<seconds>".
(function () {
  const seen = new WeakMap();
  function fmt(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }
  setInterval(function () {
    document.querySelectorAll('[data-timer]').forEach(function (el) {
      const value = el.getAttribute('data-timer');
      let state = seen.get(el);
      if (!state || state.value !== value) { state = { value: value, t0: Date.now() }; seen.set(el, state); }
      const parts = value.split(':');
      if (parts[0] !== 'run') return;
      const left = (parseFloat(parts[1]) - (Date.now() - state.t0)) / 1000;
      el.textContent = left <= 0 && el.getAttribute('data-done') ? el.getAttribute('data-done') : fmt(left);
      el.classList.toggle('timer-done', left <= 0);
    });
  }, 250);
})();
