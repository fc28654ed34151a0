// Fits the board's room area to the projector: after each change on the board it tries the roomiest
// layout first (data-fit="0": 3 columns, 3 lines of 30 px per card) and steps to more columns and
// fewer lines (data-fit="1".."6", see spcp.css; never under 24 px) until nothing overflows.
(function () {
  const LAST = 6;
  let queued = false;
  function overflows(room) {
    return room.scrollHeight > room.clientHeight + 1 || room.scrollWidth > room.clientWidth + 1;
  }
  function fit() {
    queued = false;
    const room = document.querySelector('.board-room');
    if (!room) return;
    for (let level = 0; level <= LAST; level++) {
      room.setAttribute('data-fit', String(level));
      if (!overflows(room)) return;
    }
  }
  function later() {
    if (!queued) { queued = true; requestAnimationFrame(fit); }
  }
  function watch() {
    const board = document.querySelector('.board');
    if (!board) { setTimeout(watch, 200); return; }
    // the room's content and the board's class (phase, Present) change the space; our own data-fit does not
    new MutationObserver(later).observe(board, {childList: true, subtree: true, characterData: true,
                                               attributeFilter: ['class', 'style']});
    window.addEventListener('resize', later);
    if (document.fonts) document.fonts.ready.then(later);
    later();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch); else watch();
})();
