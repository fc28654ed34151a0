// A column whose content Vue draws one task after the page has mounted, not while mounting it: the heading
// is painted first, and the socket's last round trip (its handshake waits for the busy main thread, even
// opened early: assets/early_socket.js) overlaps with drawing the room's phase (~0.1 s of script at 4x CPU
// throttling) instead of following it. The content is in the page's first HTML all the same.
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
