// DOMPurify's place on a phone page (spcp/phone_quasar.py): NiceGUI's page imports DOMPurify (34 KB, 11 KB as
// brotli) for the elements that show HTML (ui.html, ui.markdown), and a phone shows none of them
// (tests/pages/test_phone_quasar.py). Should one ever ask, it gets the text escaped: shown as text, never markup.
export default {
  sanitize(html) {
    const box = document.createElement("div");
    box.textContent = String(html);
    return box.innerHTML;
  },
};
