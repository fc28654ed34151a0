// Devanagari and Arabic web fonts arrive only when such text is on screen (unicode-range, assets/fonts/).
// Chromium can keep text it drew before its font arrived as empty boxes until that text is laid out again
// (seen on the dashboard and the plenary's ranked result). So each time fonts finish loading, the page is
// laid out once more: hidden for one synchronous layout and shown again (no frame is painted between).
(function () {
  if (!document.fonts || !document.fonts.addEventListener) return;
  document.fonts.addEventListener('loadingdone', function () {
    var root = document.body;
    if (!root) return;
    var display = root.style.display;
    root.style.display = 'none';
    void root.offsetHeight;  // the layout without the page ...
    root.style.display = display;
    void root.offsetHeight;  // ... and with it again: every text shaped with the fonts now there
  });
})();
