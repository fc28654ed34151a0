// Devanagari and Arabic web fonts arrive only when such text is on screen (unicode-range, assets/fonts/).
// Chromium can keep text it drew before its font arrived as empty boxes until that text is laid out again
// (seen on the plenary's ranked result). So each time fonts finish loading, flip a class that changes the
// text's font-kerning (spcp.css): every participant text is shaped again with the font now there.
(function () {
  if (!document.fonts || !document.fonts.addEventListener) return;
  document.fonts.addEventListener('loadingdone', function () {
    document.documentElement.classList.toggle('fonts-relaid');
  });
})();
