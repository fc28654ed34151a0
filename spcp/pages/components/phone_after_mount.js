// A column whose content Vue draws one task after the page has mounted, not while mounting it. NiceGUI
// opens the page's socket when the app has mounted, so on a slow phone the socket's round trips to the
// server overlap with drawing the room's phase (~0.3 s of script at 4x CPU throttling) instead of
// following it. The content is in the page's first HTML all the same.
export default {
  template: `<div class="nicegui-column"><slot v-if="ready"></slot></div>`,
  data() {
    return { ready: false };
  },
  mounted() {
    setTimeout(() => {
      this.ready = true;
    });
  },
};
