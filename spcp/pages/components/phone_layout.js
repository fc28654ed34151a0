// A phone page's outermost element in place of Quasar's QLayout (spcp/pages/components/phone_layout.py): a
// plain div that is still a Vue component, since NiceGUI's emitEvent() and ui.on() go through element 0.
export default {
  template: `<div><slot></slot></div>`,
};
