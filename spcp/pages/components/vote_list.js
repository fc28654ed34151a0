// The phone's vote list (vote_list.py): per card a button that puts a dot on it and, where this phone
// has a dot on it, a take-back button. One NiceGUI element for the whole list. Participant text is only
// ever text ({{ }}), never markup. A tap goes into the phone's outbox (assets/outbox.js), as every other
// participant action does, and the server's answer comes back as set_dots; put and drop follow the room.
export default {
  template: `
    <div>
      <template v-for="card in list" :key="card.id">
        <button type="button" class="vote-card" :class="{ voted: dotsOn(card.id) > 0 }" dir="auto"
                :aria-pressed="dotsOn(card.id) > 0 ? 'true' : 'false'" :data-dots="'\u25CF'.repeat(dotsOn(card.id))"
                @click="send('dot', card.id)">{{ card.text }}</button>
        <button v-show="dotsOn(card.id) > 0" type="button" class="take-back" :aria-label="labels.take_back"
                @click="send('undot', card.id)">\u2212</button>
      </template>
    </div>`,
  props: {
    cards: Array, // [{id, text}], the room's shown cards in order
    dots: Object, // {card id: this phone's dots on it}
    labels: Object, // {take_back}, translated
  },
  data() {
    return { list: [...this.cards], mine: { ...this.dots } };
  },
  watch: {
    // the whole element sent again (rare): its props are the server's truth
    cards(value) {
      this.list = [...value];
    },
    dots(value) {
      this.mine = { ...value };
    },
  },
  methods: {
    dotsOn(id) {
      return this.mine[id] || 0;
    },
    send(kind, card_id) {
      if (window.spcpOutbox) window.spcpOutbox.send({ kind: kind, card_id: card_id });
    },
    set_dots(id, n) {
      if (n > 0) this.mine[id] = n;
      else delete this.mine[id];
    },
    put(card) {
      const at = this.list.findIndex((c) => c.id === card.id);
      if (at < 0) this.list.push(card);
      else this.list[at] = card;
    },
    drop(id) {
      this.list = this.list.filter((c) => c.id !== id);
      delete this.mine[id];
    },
  },
};
