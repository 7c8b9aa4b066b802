// Label sets: see every set, make one active (it tags every entry), create and edit them.
import { del, get, post, put } from './api.js';
import { errorBox, h, rememberValences } from './ui.js';

const kValences = ['positive', 'negative', 'neutral'];

export function renderLabelSets(main, params) {
  const list = h('div', { class: 'set-list' });
  const editor = h('div', { class: 'set-editor-holder' });
  const status = h('div', { class: 'status', 'aria-live': 'polite' });

  const load = async () => {
    try {
      const { label_sets: sets } = await get('/api/label-sets');
      rememberValences(sets.find((s) => s.active)?.labels);
      list.replaceChildren(...sets.map((set) => setCard(set)));
      const wanted = params.get('edit');
      if (wanted) {
        const set = sets.find((s) => s.name === wanted);
        if (set) openEditor(set);
        params.delete('edit');
      }
    } catch (err) {
      list.replaceChildren(errorBox(err));
    }
  };

  const act = async (fn, done) => {
    status.replaceChildren();
    try {
      await fn();
      status.replaceChildren(h('p', { class: 'ok' }, done));
      await load();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };

  const setCard = (set) => h('article', { class: `set-card${set.active ? ' active' : ''}`, 'data-set': set.name },
    h('header', {},
      h('h2', {}, set.name),
      set.active ? h('span', { class: 'badge' }, 'Active') : null),
    set.description ? h('p', { class: 'set-description' }, set.description) : null,
    h('ul', { class: 'chips' }, set.labels.map((l) => h('li', { class: `chip valence-${l.valence}` }, l.label))),
    h('p', { class: 'set-meta' }, `${set.template} · ${set.mode || (set.multi_label ? 'multi-label' : 'single-label')} · threshold ${set.threshold}`),
    h('div', { class: 'set-actions' },
      h('button', { type: 'button', onclick: () => openEditor(set) }, 'Edit'),
      set.active ? null : h('button', { type: 'button', class: 'primary',
        onclick: () => act(() => post(`/api/label-sets/${encodeURIComponent(set.name)}/activate`),
          `“${set.name}” now tags your entries. Entries are being re-read.`) }, 'Make active'),
      set.active ? null : h('button', { type: 'button', class: 'danger',
        onclick: () => act(() => del(`/api/label-sets/${encodeURIComponent(set.name)}`), `Deleted “${set.name}”.`) }, 'Delete')));

  const openEditor = (set) => {
    const isNew = !set;
    const draft = set ? structuredClone(set) : {
      name: '', description: '', template: 'The writer feels {}.', multi_label: true, threshold: 0.5, labels: [],
    };
    const name = h('input', { id: 'set-name', type: 'text', value: draft.name, required: true });
    const description = h('input', { id: 'set-description', type: 'text', value: draft.description || '' });
    const template = h('input', { id: 'set-template', type: 'text', value: draft.template });
    const mode = h('select', { id: 'set-mode' },
      h('option', { value: 'multi', selected: draft.multi_label !== false }, 'multi-label'),
      h('option', { value: 'single', selected: draft.multi_label === false }, 'single-label'));
    const threshold = h('input', { id: 'set-threshold', type: 'number', min: 0, max: 1, step: 0.05, value: draft.threshold });
    const rows = h('tbody', {});
    const message = h('div', { class: 'form-message' });

    const addRow = (label = { label: '', valence: 'neutral' }) => {
      const text = h('input', { type: 'text', value: label.label, 'aria-label': 'Label' });
      const valence = h('select', { 'aria-label': 'Valence' }, kValences.map((v) => h('option', { value: v, selected: v === label.valence }, v)));
      const row = h('tr', {}, h('td', {}, text), h('td', {}, valence),
        h('td', {}, h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Remove label', onclick: () => row.remove() }, '×')));
      rows.append(row);
      return text;
    };
    draft.labels.forEach((l) => addRow(l));
    if (isNew) addRow();

    const form = h('form', { class: 'set-editor', 'aria-label': isNew ? 'New label set' : `Edit ${draft.name}` },
      h('h2', {}, isNew ? 'New label set' : `Edit “${draft.name}”`),
      h('div', { class: 'field' }, h('label', { for: 'set-name' }, 'Name'), name),
      h('div', { class: 'field' }, h('label', { for: 'set-description' }, 'Description'), description),
      h('div', { class: 'field' }, h('label', { for: 'set-template' }, 'Hypothesis template (one {} for the label)'), template),
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: 'set-mode' }, 'Mode'), mode),
        h('div', { class: 'field' }, h('label', { for: 'set-threshold' }, 'Threshold'), threshold)),
      h('table', { class: 'label-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Label'), h('th', {}, 'Valence'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')))), rows),
      h('p', {}, h('button', { type: 'button', onclick: () => addRow().focus() }, 'Add a label')),
      h('div', { class: 'set-actions' },
        h('button', { type: 'submit', class: 'primary' }, isNew ? 'Create label set' : 'Save changes'),
        h('button', { type: 'button', onclick: () => editor.replaceChildren() }, 'Cancel')),
      message);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.replaceChildren();
      const body = {
        name: name.value.trim(),
        description: description.value,
        template: template.value,
        multi_label: mode.value === 'multi',
        threshold: Number(threshold.value),
        labels: [...rows.querySelectorAll('tr')].map((row) => ({
          label: row.querySelector('input').value.trim(),
          valence: row.querySelector('select').value,
        })).filter((l) => l.label),
      };
      try {
        if (isNew) await post('/api/label-sets', body);
        else await put(`/api/label-sets/${encodeURIComponent(draft.name)}`, body);
        editor.replaceChildren();
        status.replaceChildren(h('p', { class: 'ok' }, isNew ? `Created “${body.name}”.` : `Saved “${body.name}”.`));
        await load();
      } catch (err) {
        message.replaceChildren(errorBox(err));
      }
    });
    editor.replaceChildren(form);
    name.focus();
  };

  main.replaceChildren(
    h('section', { class: 'view view-label-sets' },
      h('div', { class: 'view-heading' },
        h('h1', {}, 'Label sets'),
        h('button', { type: 'button', class: 'primary', onclick: () => openEditor(null) }, 'New label set')),
      h('p', { class: 'lede' }, 'The active set’s words tag every entry. Change them any time; entries are re-read.'),
      status,
      editor,
      list),
  );
  load();
  return () => {};
}
