// One of the phone's own issues (own_card.py): its text as the room sees it, with Change and Withdraw. One
// NiceGUI element instead of five (a box, the text, a row, two buttons): the author's phone builds one for
// every submit. The DOM is what those five elements drew. Participant text is only ever text ({{ }}).
export default {
  template: `
    <div class="nicegui-column mine">
      <div class="nicegui-label w-full" dir="auto">{{ text }}</div>
      <div class="nicegui-row gap-2">
        <q-btn flat dense no-caps color="primary" icon="edit" :label="labels.change" @click="$emit('change')" />
        <q-btn flat dense no-caps color="negative" icon="delete" :label="labels.withdraw" @click="$emit('withdraw')" />
      </div>
    </div>`,
  props: {
    text: String,
    labels: Object, // {change, withdraw}, translated
  },
};
