// The phone's Vote phase (vote_list.py): how to vote, this phone's dots left, then per card a button that puts
// a dot on it and, where this phone has a dot on it, a take-back button. One NiceGUI element for all of it.
// A small list comes in `cards`; a big one is fetched from `src` (the room's list, encoded once for all its
// phones: card_lists.py), and calls that arrive while it loads are applied to it once it is there.
// Participant text is only ever text ({{ }}), never markup.
// A tap goes into the phone's outbox (assets/outbox.js), as every other participant action does, and the
// server's answer comes back as set_dots; put and drop follow the room.
export default {
  template: `
    <div>
      <p class="phone-note">{{ labels.note }}</p>
      <p class="phone-meta dots-left" aria-live="polite">{{ left }}</p>
      <p v-if="!loaded" class="phone-meta" role="status">{{ labels.loading }}</p>
      <template v-for="card in list" :key="card.id">
        <button type="button" class="vote-card" :class="{ voted: dotsOn(card.id) > 0 }" dir="auto"
                :aria-pressed="dotsOn(card.id) > 0 ? 'true' : 'false'" :data-dots="'\u25CF'.repeat(dotsOn(card.id))"
                @click="send('dot', card.id)">{{ card.text }}</button>
        <button v-show="dotsOn(card.id) > 0" type="button" class="take-back" :aria-label="labels.take_back"
                @click="send('undot', card.id)">\u2212</button>
      </template>
    </div>`,
  props: {
    cards: Array, // the room's shown cards, [{id, text}] in order, when the list is small
    src: String, // else where they are
    dots: Object, // {card id: this phone's dots on it}
    dots_left: String, // "Dots left: 3 of 5", translated
    labels: Object, // {note, take_back, loading}, translated
  },
  data() {
    return {
      list: this.cards ? [...this.cards] : [], mine: { ...this.dots }, left: this.dots_left, loaded: !this.src,
      waiting: [], tries: 0,
    };
  },
  mounted() {
    if (this.src) this.load();
  },
  watch: {
    // the element sent again (e.g. after a reconnect): its list as the server keeps it
    cards(value) {
      if (value) this.list = [...value];
    },
    // a new list to fetch (the server shared it again): it already holds every earlier call
    src() {
      this.waiting = [];
      if (this.src) this.load();
    },
    dots(value) {
      this.mine = { ...value };
    },
    dots_left(value) {
      this.left = value;
    },
  },
  methods: {
    load() {
      const src = this.src;
      this.loaded = false;
      fetch(src, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((cards) => {
          if (src !== this.src) return; // a newer list was asked for meanwhile
          this.list = cards;
          this.loaded = true;
          this.tries = 0;
          const waiting = this.waiting;
          this.waiting = [];
          waiting.forEach((call) => call());
        })
        .catch((status) => {
          if (src !== this.src) return;
          // no longer kept: the server shares this phone's list again. The same cards give the same address
          // (src does not change, so the watch does not fire): fetch it again ourselves, a moment later.
          if (status === 404) this.$emit("stale");
          if (status !== 403) setTimeout(() => src === this.src && this.load(), Math.min(10000, 1000 * 2 ** this.tries++));
        });
    },
    later(call) {
      if (this.loaded) return false;
      this.waiting.push(call);
      return true;
    },
    dotsOn(id) {
      return this.mine[id] || 0;
    },
    send(kind, card_id) {
      if (window.spcpOutbox) window.spcpOutbox.send({ kind: kind, card_id: card_id });
    },
    set_dots(id, n, left) {
      if (n > 0) this.mine[id] = n;
      else delete this.mine[id];
      this.left = left;
    },
    show_dots_left(left) {
      this.left = left;
    },
    put(card) {
      if (this.later(() => this.put(card))) return;
      const at = this.list.findIndex((c) => c.id === card.id);
      if (at < 0) this.list.push(card);
      else this.list[at] = card;
    },
    drop(id) {
      if (this.later(() => this.drop(id))) return;
      this.list = this.list.filter((c) => c.id !== id);
      delete this.mine[id];
    },
  },
};
