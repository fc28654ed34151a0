// The browser's own <select> (a phone opens its own picker): a Vue component so NiceGUI keeps its value.
// Options are [value, label] pairs, in order; each option's lang lets a screen reader say it in its language.
export default {
  props: { modelValue: String, options: Array },
  emits: ["update:model-value"],
  template: `
    <select :value="modelValue" @change="$emit('update:model-value', $event.target.value)">
      <option v-for="[value, label] in options" :key="value" :value="value" :lang="value">{{ label }}</option>
    </select>`,
};
