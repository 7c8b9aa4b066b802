// Small DOM helpers shared by the views, and the pieces that show an entry: its text with the
// sentence behind each tag highlighted, its tags, and its reflection.
import { ApiError, post } from './api.js';

/** Creates an element: h('p', {class: 'x', onclick}, 'text', child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Calls `fn` once `ms` after the last call. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A visible, human error message (role=alert) for an ApiError or any failure. */
export function errorBox(err) {
  const message = err instanceof ApiError ? err.message : `Something went wrong: ${err.message}`;
  return h('p', { class: 'error', role: 'alert' }, message);
}

/** Shows `err` inside `container`, replacing what was there. */
export function showError(container, err) {
  container.replaceChildren(errorBox(err));
}

/** "Tue 5 Mar 2024, 08:15" from the journal's ISO time with offset. */
export function formatDate(iso, withTime = true) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
  if (withTime) Object.assign(options, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleString(undefined, options);
}

/** The active set's scores of an entry (the first TagResult), or null. */
export function activeScores(entry) {
  return entry.scores && entry.scores.length ? entry.scores[0] : null;
}

const valenceOf = new Map();

/** Remembers each label's valence (from /api/tags or label sets) to colour its highlight. */
export function rememberValences(labels) {
  for (const item of labels || []) valenceOf.set(item.label, item.valence);
}

function valenceClass(label) {
  return `valence-${valenceOf.get(label) || 'neutral'}`;
}

/** Chips for the entry's tags: empathic tags with their scores, then the writer's own. */
export function tagChips(entry) {
  const result = activeScores(entry);
  const chips = [];
  const tagged = new Set(entry.empathic_tags || []);
  if (result) {
    for (const score of result.scores) {
      if (!tagged.has(score.label)) continue;
      chips.push(
        h('li', { class: `chip ${valenceClass(score.label)}`, title: `score ${score.score.toFixed(2)}` },
          score.label, h('span', { class: 'chip-score' }, `${Math.round(score.score * 100)}%`)),
      );
    }
  }
  for (const tag of entry.tags || []) chips.push(h('li', { class: 'chip own' }, `#${tag}`));
  return h('ul', { class: 'chips', 'aria-label': 'Tags' }, chips);
}

/**
 * The entry's body with the evidence of each tag highlighted. Evidence offsets are in Unicode
 * code points, so the body is indexed as an array of code points.
 */
export function highlightedBody(entry) {
  const chars = Array.from(entry.body || '');
  const result = activeScores(entry);
  const tagged = new Set(entry.empathic_tags || []);
  const spans = [];
  if (result) {
    for (const score of result.scores) {
      const ev = score.evidence;
      if (!tagged.has(score.label) || !ev || ev.end <= ev.start) continue;
      spans.push({ start: ev.start, end: ev.end, labels: [score.label] });
    }
  }

  // Merge spans that cover the same sentence; overlapping ones join.
  spans.sort((a, b) => a.start - b.start);
  const merged = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      last.labels.push(...span.labels);
    } else merged.push({ ...span });
  }

  const body = h('div', { class: 'entry-body' });
  let at = 0;
  for (const span of merged) {
    if (span.start > at) body.append(chars.slice(at, span.start).join(''));
    const label = span.labels.join(', ');
    body.append(
      h('mark', { class: valenceClass(span.labels[0]), title: `Why: ${label}` },
        chars.slice(span.start, span.end).join(''),
        h('span', { class: 'mark-label' }, label)),
    );
    at = span.end;
  }
  if (at < chars.length) body.append(chars.slice(at).join(''));
  return body;
}

/** The reflection: the safety message first when present, else acknowledgement, questions. */
export function reflectionView(entry, onAnswered) {
  const reflection = entry.reflection;
  if (!reflection) return null;
  const box = h('section', { class: 'reflection', 'aria-label': 'Reflection' });

  if (reflection.safety) {
    box.classList.add('safety');
    box.append(
      h('p', { class: 'safety-message' }, reflection.safety.message),
      h('p', { class: 'safety-resources' }, reflection.safety.resources),
    );
    return box;
  }

  if (reflection.acknowledgement) box.append(h('p', { class: 'acknowledgement' }, reflection.acknowledgement));
  const questions = reflection.questions || [];
  if (questions.length) {
    const list = h('ul', { class: 'questions' });
    for (const question of questions) list.append(questionItem(entry, question, onAnswered));
    box.append(h('h3', {}, 'Worth writing about'), list);
  }
  if (reflection.prompt) box.append(h('p', { class: 'prompt' }, `${reflection.prompt}…`));
  return box;
}

/** One question with a button that opens a small answer box (stored as a linked entry). */
function questionItem(entry, question, onAnswered) {
  const item = h('li', {}, h('span', { class: 'question-text' }, question.text));
  const open = h('button', { class: 'link-button', type: 'button' }, 'Answer');
  open.addEventListener('click', () => {
    open.hidden = true;
    const area = h('textarea', { rows: 3, 'aria-label': `Answer: ${question.text}` });
    const status = h('p', { class: 'status', 'aria-live': 'polite' });
    const send = h('button', { type: 'button', class: 'primary' }, 'Save answer');
    send.addEventListener('click', async () => {
      status.replaceChildren();
      try {
        const answer = await post(`/api/entries/${entry.id}/answers`, { question: question.text, body: area.value });
        status.textContent = 'Answer saved to your journal.';
        area.disabled = true;
        send.hidden = true;
        if (onAnswered) onAnswered(answer);
      } catch (err) {
        status.replaceChildren(errorBox(err));
      }
    });
    item.append(h('div', { class: 'answer' }, area, send, status));
    area.focus();
  });
  item.append(' ', open);
  return item;
}

/** The words the tagging state means for a person. */
export function taggingNote(entry) {
  if (entry.tagging === 'pending') return 'Reading for feelings…';
  if (entry.tagging === 'failed') return `Tagging failed: ${entry.tagging_error || 'unknown reason'}`;
  if (!(entry.empathic_tags || []).length) return 'No clear feeling stood out in this entry.';
  return '';
}
