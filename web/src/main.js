// The web app's entry point: a hash router over the five views (#/write, #/journal,
// #/entry/<id>, #/insights, #/playground, #/label-sets). Each view renders into <main> and
// returns a function that cleans up after it (timers, polling, charts).
import './style.css';
import { get } from './api.js';
import { renderInsights } from './insights.js';
import { renderEntryPage, renderJournal } from './journal.js';
import { renderLabelSets } from './labelsets.js';
import { renderPlayground } from './playground.js';
import { h, rememberValences } from './ui.js';
import { renderWrite } from './write.js';

const main = document.getElementById('main');
let cleanup = () => {};

const views = {
  write: renderWrite,
  journal: renderJournal,
  insights: renderInsights,
  playground: renderPlayground,
  'label-sets': renderLabelSets,
};

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'write';
  const [path, search = ''] = hash.split('?');
  const params = new URLSearchParams(search);
  const [name, id] = path.split('/');

  cleanup();
  let current = name;
  if (name === 'entry' && id) {
    cleanup = renderEntryPage(main, id);
    current = 'journal';
  } else if (views[name]) {
    cleanup = views[name](main, params);
  } else {
    main.replaceChildren(h('section', { class: 'view' }, h('h1', {}, 'Not found'),
      h('p', {}, 'There is no such page. ', h('a', { href: '#/write' }, 'Write an entry'), '.')));
    cleanup = () => {};
  }
  for (const link of document.querySelectorAll('.nav a')) {
    if (link.dataset.view === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${current === 'label-sets' ? 'Label sets' : current[0].toUpperCase() + current.slice(1)} · Empathic`;
}

// Each feeling's valence colours its tags and highlights in every view.
get('/api/tags').then((tags) => rememberValences(tags.feelings)).catch(() => {});

window.addEventListener('hashchange', () => {
  route();
  main.focus({ preventScroll: true });
});
route();

// Say which engine tags the journal; the offline one is weaker than an NLI model.
get('/api/engine').then((engine) => {
  const note = document.getElementById('engine-note');
  note.textContent = engine.kind === 'lexical'
    ? 'Tagging with the offline word engine, which is weaker than an NLI model. Install a model with `empathic model pull` for better tags.'
    : `Tagging with ${engine.model}.`;
  note.hidden = false;
}).catch(() => {});
