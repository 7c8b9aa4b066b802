// Playground: try labels on any text. Scores are redrawn as bars a moment after each change
// (debounced; a newer request aborts the older one), and the current labels can be kept as a
// new label set.
import { get, post } from './api.js';
import { debounce, errorBox, h } from './ui.js';

const kStartLabels = ['joyful', 'anxious', 'grateful', 'frustrated', 'hopeful'];
const kStartText = 'I finally finished the project, but I am worried the team will not like it.';

export function renderPlayground(main) {
  const state = {
    labels: [...kStartLabels],
    template: 'The writer feels {}.',
    multi: true,
    threshold: 0.5,
    model: 'default',
  };
  let inflight = null;

  const text = h('textarea', { id: 'pg-text', rows: 9 });
  text.value = kStartText;
  const labelList = h('ul', { class: 'label-editor', 'aria-label': 'Labels' });
  const newLabel = h('input', { id: 'pg-new-label', type: 'text', placeholder: 'Add a label', autocomplete: 'off' });
  const template = h('input', { id: 'pg-template', type: 'text', value: state.template });
  const mode = h('select', { id: 'pg-mode' },
    h('option', { value: 'multi' }, 'Each label on its own (multi-label)'),
    h('option', { value: 'single' }, 'Labels compete (single-label)'));
  const threshold = h('input', { id: 'pg-threshold', type: 'range', min: 0, max: 1, step: 0.05, value: state.threshold });
  const thresholdValue = h('output', { for: 'pg-threshold' }, state.threshold.toFixed(2));
  const model = h('select', { id: 'pg-model' },
    h('option', { value: 'default' }, 'The journal’s engine'),
    h('option', { value: 'lexical' }, 'Offline word engine'));
  const bars = h('div', { class: 'bars', 'aria-live': 'polite', 'aria-busy': 'false' });
  const meta = h('p', { class: 'bars-meta' });
  const saveArea = h('div', { class: 'save-set' });

  const renderLabels = () => {
    labelList.replaceChildren(...state.labels.map((label, i) => {
      const input = h('input', { type: 'text', value: label, 'aria-label': `Label ${i + 1}` });
      input.addEventListener('input', () => { state.labels[i] = input.value; classifySoon(); });
      const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${label}` }, '×');
      remove.addEventListener('click', () => { state.labels.splice(i, 1); renderLabels(); classifySoon(); });
      return h('li', {}, input, remove);
    }));
  };

  const classify = async () => {
    if (inflight) inflight.abort();
    inflight = new AbortController();
    bars.setAttribute('aria-busy', 'true');
    try {
      const result = await post('/api/classify', {
        text: text.value, labels: state.labels, template: state.template,
        multi_label: state.multi, model: state.model,
      }, inflight.signal);
      drawBars(result);
    } catch (err) {
      if (err.name === 'AbortError') return;
      bars.replaceChildren(errorBox(err));
      meta.textContent = '';
    } finally {
      bars.setAttribute('aria-busy', 'false');
    }
  };
  const classifySoon = debounce(classify, 300);

  const drawBars = (result) => {
    bars.replaceChildren(...result.labels.map((label, i) => {
      const score = result.scores[i];
      const pct = Math.round(score * 1000) / 10;
      const above = score >= state.threshold;
      return h('div', { class: `bar-row${above ? ' above' : ''}`, 'data-label': label, 'data-score': score.toFixed(4) },
        h('span', { class: 'bar-label' }, label),
        h('span', { class: 'bar-track', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': label },
          h('span', { class: 'bar-fill', style: `width:${Math.max(pct, 0.5)}%` })),
        h('span', { class: 'bar-value' }, `${pct.toFixed(1)}%`));
    }));
    const warnings = (result.warnings || []).join(' ');
    meta.textContent = `${result.engine === 'lexical' ? 'Offline word engine (weaker than an NLI model)' : `Model ${result.model}`} · ${result.mode}${warnings ? ` · ${warnings}` : ''}`;
  };

  newLabel.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const labels = newLabel.value.split(',').map((l) => l.trim()).filter(Boolean);
    if (!labels.length) return;
    state.labels.push(...labels);
    newLabel.value = '';
    renderLabels();
    classifySoon();
  });
  text.addEventListener('input', classifySoon);
  template.addEventListener('input', () => { state.template = template.value; classifySoon(); });
  mode.addEventListener('change', () => { state.multi = mode.value === 'multi'; classifySoon(); });
  model.addEventListener('change', () => { state.model = model.value; classifySoon(); });
  threshold.addEventListener('input', () => {
    state.threshold = Number(threshold.value);
    thresholdValue.textContent = state.threshold.toFixed(2);
    for (const row of bars.querySelectorAll('.bar-row')) {
      row.classList.toggle('above', Number(row.dataset.score) >= state.threshold);
    }
  });

  // Keep the current labels as a label set.
  const setName = h('input', { id: 'pg-set-name', type: 'text', placeholder: 'Name of the new set', autocomplete: 'off' });
  const saveStatus = h('div', { class: 'status', 'aria-live': 'polite' });
  const saveButton = h('button', { type: 'button' }, 'Save labels as a label set');
  saveButton.addEventListener('click', async () => {
    saveStatus.replaceChildren();
    try {
      const set = await post('/api/label-sets', {
        name: setName.value.trim(),
        description: 'Made in the playground.',
        template: state.template,
        multi_label: state.multi,
        threshold: state.threshold,
        labels: state.labels.map((label) => ({ label: label.trim(), valence: 'neutral' })).filter((l) => l.label),
      });
      saveStatus.replaceChildren(h('p', { class: 'ok' }, 'Saved label set ',
        h('a', { href: `#/label-sets?edit=${encodeURIComponent(set.name)}` }, set.name), '.'));
    } catch (err) {
      saveStatus.replaceChildren(errorBox(err));
    }
  });
  saveArea.append(h('label', { for: 'pg-set-name' }, 'Keep these labels'), h('div', { class: 'inline' }, setName, saveButton), saveStatus);

  main.replaceChildren(
    h('section', { class: 'view view-playground' },
      h('h1', {}, 'Playground'),
      h('p', { class: 'lede' }, 'Try any words as labels on any text. Nothing here is saved to your journal.'),
      h('div', { class: 'playground' },
        h('div', { class: 'pg-text' }, h('label', { for: 'pg-text' }, 'Text'), text, h('h2', {}, 'Scores'), meta, bars),
        h('div', { class: 'pg-controls' },
          h('h2', { id: 'pg-labels-heading' }, 'Labels'),
          labelList,
          h('label', { for: 'pg-new-label', class: 'visually-hidden' }, 'Add a label'),
          newLabel,
          h('div', { class: 'field' }, h('label', { for: 'pg-template' }, 'Hypothesis template'), template),
          h('div', { class: 'field' }, h('label', { for: 'pg-mode' }, 'Mode'), mode),
          h('div', { class: 'field' }, h('label', { for: 'pg-threshold' }, 'Threshold ', thresholdValue), threshold),
          h('div', { class: 'field' }, h('label', { for: 'pg-model' }, 'Engine'), model),
          saveArea))),
  );
  renderLabels();
  classify();

  // Offer installed models when the server lists them.
  get('/api/models').then((answer) => {
    for (const m of answer.models || []) model.append(h('option', { value: m.id }, m.id));
  }).catch(() => {});
  return () => inflight && inflight.abort();
}
