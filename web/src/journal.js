// Journal: every entry, newest first, with full-text search, feeling / own-tag / date filters
// and the journal's sorts. The filters live in the URL hash, so a search can be bookmarked.
import { del, get, patch, post, query } from './api.js';
import { showEntry } from './entry-view.js';
import { debounce, errorBox, formatDate, h, rememberValences, showError, tagChips } from './ui.js';

const kSorts = [
  ['date:desc', 'Newest first'],
  ['date:asc', 'Oldest first'],
  ['relevance:desc', 'Best match'],
  ['intensity:desc', 'Most intense'],
  ['score:desc', 'Strongest chosen feeling'],
];

function field(id, labelText, input) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), input);
}

function option(value, text, selected) {
  return h('option', { value, selected: value === selected }, text);
}

export function renderJournal(main, params) {
  const q = h('input', { type: 'search', placeholder: 'Words, "a phrase", prefix*', value: params.get('q') || '' });
  const feeling = h('select', {}, option('', 'Any feeling', ''));
  const tag = h('select', {}, option('', 'Any tag', ''));
  const from = h('input', { type: 'date', value: params.get('from') || '' });
  const until = h('input', { type: 'date', value: params.get('until') || '' });
  const sort = h('select', {}, kSorts.map(([v, t]) => option(v, t, params.get('sort') || 'date:desc')));
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const count = h('p', { class: 'result-count', role: 'status' });

  const search = async () => {
    const [sortBy, order] = sort.value.split(':');
    const filters = {
      q: q.value.trim(),
      feeling: feeling.value,
      tag: tag.value,
      from: from.value,
      until: until.value,
      sort: sortBy === 'date' && order === 'desc' ? '' : sort.value,
    };
    history.replaceState(null, '', `#/journal${query(filters)}`);
    if (sortBy === 'score' && !feeling.value) {
      showError(results, new Error('choose a feeling to sort by its score'));
      return;
    }
    try {
      const answer = await get(`/api/search${query({
        q: filters.q, feeling: filters.feeling, tag: filters.tag, from: filters.from,
        until: filters.until, sort: sortBy, order, sort_label: sortBy === 'score' ? feeling.value : '',
        limit: 100,
      })}`);
      count.textContent = answer.total === 1 ? '1 entry' : `${answer.total} entries`;
      results.replaceChildren(answer.hits.length
        ? h('ol', { class: 'entry-list' }, answer.hits.map(entryItem))
        : h('p', { class: 'empty' }, 'No entries match. Try fewer filters, or write something new.'));
    } catch (err) {
      count.textContent = '';
      showError(results, err);
    }
  };
  const searchSoon = debounce(search, 250);
  q.addEventListener('input', searchSoon);
  for (const input of [feeling, tag, from, until, sort]) input.addEventListener('change', search);

  main.replaceChildren(
    h('section', { class: 'view view-journal' },
      h('h1', {}, 'Journal'),
      h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); search(); } },
        field('search-q', 'Search', q),
        field('filter-feeling', 'Feeling', feeling),
        field('filter-tag', 'Your tag', tag),
        field('filter-from', 'From', from),
        field('filter-until', 'Until', until),
        field('sort', 'Sort', sort)),
      count,
      results),
  );

  // Fill the filter choices, then search with what the URL asked for.
  get('/api/tags').then((tags) => {
    rememberValences(tags.feelings);
    feeling.append(...tags.feelings.map((f) => option(f.label, f.label, params.get('feeling'))));
    tag.append(...tags.own.map((t) => option(t.tag, `${t.tag} (${t.count})`, params.get('tag'))));
  }).catch(() => {}).finally(search);
  return () => {};
}

function entryItem(hit) {
  const entry = hit.entry;
  const firstLine = (entry.body || '').split('\n').find((line) => line.trim()) || '';
  const heading = entry.title || (firstLine.length > 80 ? `${firstLine.slice(0, 80)}…` : firstLine);
  return h('li', { class: 'entry-item' },
    h('a', { href: `#/entry/${entry.id}`, class: 'entry-link' },
      h('span', { class: 'entry-item-title' }, heading),
      h('span', { class: 'entry-date' }, formatDate(entry.created))),
    hit.snippet ? h('p', { class: 'snippet' }, snippet(hit.snippet)) : null,
    tagChips(entry));
}

/** Shows a search snippet, whose matches come wrapped in [ and ], with the matches marked. */
function snippet(text) {
  const parts = [];
  const re = /\[([^\]]*)\]/g;
  let at = 0;
  for (let m; (m = re.exec(text));) {
    parts.push(text.slice(at, m.index), h('mark', {}, m[1]));
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return parts;
}

/** One entry on its own page: text, tags, reflection; move to trash (with undo). */
export function renderEntryPage(main, id) {
  const holder = h('div', {});
  const status = h('p', { class: 'status', role: 'status' });
  main.replaceChildren(h('section', { class: 'view view-entry' },
    h('p', {}, h('a', { href: '#/journal', class: 'back' }, '← Journal')), holder, status));
  let stop = () => {};

  // Editing replaces the entry view with a form; a changed text is tagged again.
  const edit = (entry) => {
    stop();
    const title = h('input', { id: 'edit-title', type: 'text', value: entry.title || '' });
    const body = h('textarea', { id: 'edit-body', rows: 10 });
    body.value = entry.body;
    const message = h('div', { class: 'form-message' });
    const form = h('form', { class: 'write-form entry', 'aria-label': 'Edit entry' },
      h('label', { for: 'edit-title' }, 'Title'), title,
      h('label', { for: 'edit-body' }, 'Entry'), body,
      h('div', { class: 'write-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
        h('button', { type: 'button', onclick: () => { stop = showEntry(holder, entry, { actions }); } }, 'Cancel')),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const saved = await patch(`/api/entries/${id}`, { title: title.value, body: body.value });
        stop = showEntry(holder, saved, { actions });
        status.textContent = 'Changes saved.';
      } catch (err) {
        message.replaceChildren(errorBox(err));
      }
    });
    holder.replaceChildren(form);
    body.focus();
  };

  const actions = (entry) => h('div', { class: 'entry-actions' },
    entry.deleted ? null : h('button', { type: 'button', onclick: () => edit(entry) }, 'Edit'),
    entry.deleted
      ? h('button', { type: 'button', onclick: async () => {
        try { stop(); stop = showEntry(holder, await post(`/api/entries/${id}/restore`), { actions }); status.textContent = 'Entry restored.'; } catch (err) { showError(status, err); }
      } }, 'Restore from trash')
      : h('button', { type: 'button', class: 'danger', onclick: async () => {
        try { await del(`/api/entries/${id}`); stop(); stop = showEntry(holder, await get(`/api/entries/${id}`), { actions }); status.textContent = 'Moved to the trash. You can restore it.'; } catch (err) { showError(status, err); }
      } }, 'Move to trash'));

  get('/api/tags').then((tags) => rememberValences(tags.feelings)).catch(() => {})
    .then(() => get(`/api/entries/${id}`))
    .then((entry) => { stop = showEntry(holder, entry, { actions }); })
    .catch((err) => showError(holder, err));
  return () => stop();
}
