// Write: a calm editor. The draft is kept in this browser's localStorage on every keystroke
// (debounced) and when the tab is hidden or closed, so a crash or a closed tab loses nothing;
// it is cleared only once the server has stored the entry.
import { post } from './api.js';
import { showEntry } from './entry-view.js';
import { debounce, errorBox, h } from './ui.js';

const kDraftKey = 'empathic.draft.v1';

function loadDraft() {
  try {
    return JSON.parse(localStorage.getItem(kDraftKey)) || {};
  } catch {
    return {};
  }
}

export function renderWrite(main) {
  const draft = loadDraft();
  const title = h('input', { id: 'entry-title', type: 'text', placeholder: 'Title (optional)', autocomplete: 'off' });
  const body = h('textarea', { id: 'entry-body', rows: 12, placeholder: 'What is on your mind today?' });
  const tags = h('input', { id: 'entry-tags', type: 'text', placeholder: 'work, family', autocomplete: 'off' });
  title.value = draft.title || '';
  body.value = draft.body || '';
  tags.value = draft.tags || '';

  const draftStatus = h('span', { class: 'draft-status', 'aria-live': 'polite' },
    draft.body ? 'Draft restored from this browser.' : '');
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save entry');
  const message = h('div', { class: 'form-message' });
  const result = h('div', { class: 'write-result', 'aria-live': 'polite' });
  let stopPolling = () => {};

  const saveDraft = () => {
    const value = { title: title.value, body: body.value, tags: tags.value, at: Date.now() };
    if (!value.title && !value.body && !value.tags) localStorage.removeItem(kDraftKey);
    else localStorage.setItem(kDraftKey, JSON.stringify(value));
    draftStatus.textContent = value.body ? 'Draft saved in this browser.' : '';
  };
  const saveDraftSoon = debounce(saveDraft, 250);
  for (const input of [title, body, tags]) input.addEventListener('input', saveDraftSoon);
  const onHide = () => saveDraft();
  window.addEventListener('pagehide', onHide);
  document.addEventListener('visibilitychange', onHide);

  const form = h('form', { class: 'write-form', novalidate: true },
    h('label', { for: 'entry-title', class: 'visually-hidden' }, 'Title'),
    title,
    h('label', { for: 'entry-body', class: 'visually-hidden' }, 'Entry'),
    body,
    h('div', { class: 'write-meta' },
      h('label', { for: 'entry-tags' }, 'Your own tags'),
      tags),
    h('div', { class: 'write-actions' }, save, h('span', { class: 'hint' }, 'Ctrl+Enter saves'), draftStatus),
    message);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.replaceChildren();
    save.disabled = true;
    saveDraft();
    try {
      const entry = await post('/api/entries', {
        title: title.value,
        body: body.value,
        tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean),
      });
      localStorage.removeItem(kDraftKey);
      title.value = body.value = tags.value = '';
      draftStatus.textContent = 'Saved to your journal.';
      stopPolling();
      stopPolling = showEntry(result, entry);
      result.scrollIntoView({ behavior: 'smooth', block: 'start' });
    } catch (err) {
      message.replaceChildren(errorBox(err));
    } finally {
      save.disabled = false;
    }
  });
  body.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  main.replaceChildren(
    h('section', { class: 'view view-write' },
      h('h1', { class: 'visually-hidden' }, 'Write'),
      form,
      result),
  );
  body.focus();
  return () => {
    saveDraft();
    stopPolling();
    window.removeEventListener('pagehide', onHide);
    document.removeEventListener('visibilitychange', onHide);
  };
}
