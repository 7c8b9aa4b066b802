// Shows one entry (text with highlighted evidence, tags, reflection) and keeps it current
// while its tagging is pending, by polling the entry until the background queue is done.
import { get } from './api.js';
import { errorBox, formatDate, h, highlightedBody, reflectionView, tagChips, taggingNote } from './ui.js';

const kPollMs = 600;
const kReflectionGraceMs = 4000;  // a reflection is written just after the tags

/**
 * Renders `entry` into `container` and polls until tags (and the reflection) arrive.
 * Returns a function that stops polling (call it when the view goes away).
 */
export function showEntry(container, entry, { actions } = {}) {
  let stopped = false;
  let doneAt = null;

  const render = (current) => {
    const note = taggingNote(current);
    container.replaceChildren(
      h('article', { class: 'entry', 'data-entry-id': current.id, 'data-tagging': current.tagging },
        h('header', { class: 'entry-header' },
          current.title ? h('h2', {}, current.title) : null,
          h('p', { class: 'entry-date' }, formatDate(current.created))),
        highlightedBody(current),
        tagChips(current),
        note ? h('p', { class: `tagging-note ${current.tagging}`, role: 'status' },
          current.tagging === 'pending' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, note) : null,
        reflectionView(current),
        actions ? actions(current) : null),
    );
  };

  const poll = async () => {
    if (stopped) return;
    try {
      const current = await get(`/api/entries/${entry.id}`);
      if (stopped) return;
      render(current);
      if (current.tagging === 'pending') return setTimeout(poll, kPollMs);
      doneAt = doneAt ?? Date.now();
      if (!current.reflection && Date.now() - doneAt < kReflectionGraceMs) setTimeout(poll, kPollMs);
    } catch (err) {
      if (!stopped) container.append(errorBox(err));
    }
  };

  render(entry);
  if (entry.tagging === 'pending' || !entry.reflection) setTimeout(poll, kPollMs);
  return () => {
    stopped = true;
  };
}
