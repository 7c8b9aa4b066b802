// Tokenizer parity: Empathic's tokenizers (through tests/integration/tokenizer_dump) against
// transformers.js, run offline, on the tokenizer folders that tests/fixtures/gen_vocab makes
// from real vocabularies (BERT WordPiece, RoBERTa byte-level BPE, XLM-R Unigram).
//
// Checked, for each family: the shipped llama.cpp .inp/.out cases (ids without special
// tokens); every text of tests/fixtures/tokenizer_strings.json alone and paired with a
// hypothesis; 1,000-character words; pairs at and just under the 512-token limit; premise-only
// truncation (the oracle's full encoding with the premise's tail cut, which is what Empathic
// promises instead of transformers.js's end-of-pair cut); and text that spells special tokens,
// compared with an oracle whose added tokens are plain vocabulary (transformers.js has no
// option to keep "[SEP]" in text as text); and 600 random texts drawn from many scripts. The
// same runs on variants of the folders with the other supported stages (VARIANTS).
//
// Where transformers.js departs from the reference Rust implementation, Empathic follows the
// reference; those texts are listed in KNOWN_DIVERGENCES with the reason, and must still differ
// (so the list stays honest).
//
// Usage: node tokenizer_parity.mjs --dump BIN --fixtures DIR --strings FILE
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, all) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), all[i + 1]]] : acc), []),
);
const FAMILIES = ['bert', 'roberta', 'xlmr'];

let transformers;
try {
  transformers = await import('@huggingface/transformers');
} catch (error) {
  console.error(`transformers.js is not installed in tests/node (${error.message}): ` +
    'run `scripts/bootstrap --test`');
  process.exit(1);
}
const { AutoTokenizer, env } = transformers;

// Variants of the three folders with other normalizers, pre-tokenizers and post-processors
// (the shapes of DeBERTa-v3, ModernBERT and sequence-normalized BERT files), each checked like
// a family. `skip` leaves out texts on which transformers.js is known to depart from the
// reference: its \s and WhitespaceSplit count U+FEFF as whitespace and U+0085 not. A
// tokenizer_class of BertTokenizer makes transformers.js report token type ids.
const special = (id, type_id = 0) => ({ SpecialToken: { id, type_id } });
const sequence = (id, type_id = 0) => ({ Sequence: { id, type_id } });
const VARIANTS = [
  {
    name: 'bert-sequence', from: 'bert',
    edit: (spec) => {
      spec.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' },
        { type: 'Lowercase' }] };
      spec.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'BertPreTokenizer' }] };
      spec.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] };
    },
    skip: /[\u0085\ufeff]/u,
  },
  {
    name: 'xlmr-deberta', from: 'xlmr', tokenizerClass: 'DebertaV2Tokenizer',
    edit: (spec) => {
      spec.normalizer = { type: 'Sequence', normalizers: [
        { type: 'Replace', pattern: { String: '``' }, content: '"' },
        { type: 'Replace', pattern: { String: "''" }, content: '"' },
        { type: 'NFKC' },
        { type: 'Strip', strip_left: true, strip_right: true }] };
      spec.pre_tokenizer = { type: 'Sequence', pretokenizers: [
        { type: 'WhitespaceSplit' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true }] };
      spec.post_processor = {
        type: 'TemplateProcessing',
        single: [special('<s>'), sequence('A'), special('</s>')],
        pair: [special('<s>'), sequence('A'), special('</s>'), sequence('B', 1), special('</s>', 1)],
        special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] },
          '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
      };
    },
    skip: /[\u0085\ufeff]/u,
  },
  {
    name: 'roberta-modernbert', from: 'roberta', tokenizerClass: 'BertTokenizer',
    edit: (spec) => {
      spec.normalizer = { type: 'NFC' };
      spec.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
      spec.post_processor = { type: 'Sequence', processors: [
        { type: 'ByteLevel', trim_offsets: true },
        { type: 'TemplateProcessing',
          single: [special('<s>'), sequence('A'), special('</s>')],
          pair: [special('<s>'), sequence('A'), special('</s>'), sequence('B', 1), special('</s>', 1)],
          special_tokens: { '<s>': { id: '<s>', ids: [50257], tokens: ['<s>'] },
            '</s>': { id: '</s>', ids: [50259], tokens: ['</s>'] } } }] };
    },
    skip: /[\u0085\ufeff]/u,
  },
];

const LIMIT = 512;

for (const family of FAMILIES) {
  if (!fs.existsSync(path.join(args.fixtures, family, 'tokenizer.json'))) {
    console.error(`tokenizer fixture ${family} is missing under ${args.fixtures}: run \`make fixtures\``);
    process.exit(1);
  }
}
if (!fs.existsSync(args.dump)) {
  console.error(`${args.dump} is missing: build the tokenizer_dump target`);
  process.exit(1);
}

const PRECOMPILED =
  'transformers.js approximates the Precompiled charsmap with NFKC; the reference applies the ' +
  "charsmap's rules per grapheme (a grapheme under 6 bytes is replaced whole by the rule of its " +
  'shortest matching prefix, longer ones character by character), so stacked accents differ';

// Texts on which transformers.js and the reference (Rust) tokenizers disagree; Empathic
// follows the reference. family -> [[text, reason]].
const KNOWN_DIVERGENCES = {
  bert: [
    ['\u{20000}\u{20001} extension B ideographs',
      'transformers.js looks for CJK ideographs one UTF-16 unit at a time, so ideographs outside ' +
      'the Basic Multilingual Plane are not split apart; the reference splits every ideograph'],
  ],
  roberta: [],
  xlmr: [
    ['o\u0308\u0301 stacked marks, a\u0328\u0301 ogonek and acute', PRECOMPILED],
    ['a\u0301\u0302\u0303\u0304\u0305 many marks', PRECOMPILED],
    ["I'm so tired of pretending everything is fine. o\u0308\u0301 stacked marks, " +
      'a\u0328\u0301 ogonek and acute', PRECOMPILED],
  ],
};

// Code point ranges the random texts draw from (ASCII weighted up).
const RANDOM_RANGES = [[0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0x9, 0xd], [0x80, 0x2ff],
  [0x300, 0x36f], [0x370, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f],
  [0x1100, 0x11ff], [0x2000, 0x206f], [0x3000, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3],
  [0xff00, 0xffef], [0x1f300, 0x1faff]];

env.allowRemoteModels = false;
env.allowLocalModels = true;

const strings = JSON.parse(fs.readFileSync(args.strings, 'utf8'));
const texts = strings.cases.map((c) => c.text);
const longWords = ['a'.repeat(1000), 'é'.repeat(1000), '日'.repeat(1000), '😀'.repeat(250),
  'ab'.repeat(500), 'Zz9'.repeat(334), ('word' + '-'.repeat(5)).repeat(100)];

function runOurs(folder, cases) {
  const r = spawnSync(args.dump, [], {
    input: JSON.stringify({ folder, cases }),
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tokenizer_dump failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/// A copy of the tokenizer folder whose added tokens are ordinary vocabulary, and whose
/// special Unigram pieces can never win, so that transformers.js treats "[SEP]" as text.
function plainTextCopy(folder) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'empathic-tok-'));
  const spec = JSON.parse(fs.readFileSync(path.join(folder, 'tokenizer.json'), 'utf8'));
  const specialIds = new Set(spec.added_tokens.filter((t) => t.special).map((t) => t.id));
  spec.added_tokens = [];
  if (spec.model.type === 'Unigram') {
    for (const id of specialIds) spec.model.vocab[id][1] = -1e9;
  }
  const name = path.basename(folder);
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, 'tokenizer.json'), JSON.stringify(spec));
  fs.copyFileSync(path.join(folder, 'tokenizer_config.json'), path.join(dir, name, 'tokenizer_config.json'));
  return { dir, name };
}

async function loadOracle(root, name) {
  env.localModelPath = root.endsWith('/') ? root : root + '/';
  return AutoTokenizer.from_pretrained(name);
}

function oracleEncode(tok, text, pair) {
  const options = { return_tensor: false, truncation: false, padding: false };
  if (pair !== undefined) options.text_pair = pair;
  const r = tok(text, options);
  return { ids: r.input_ids, type_ids: r.token_type_ids ?? null, attention_mask: r.attention_mask };
}

function plainIds(tok, text) {
  return tok.encode(text, { add_special_tokens: false });
}

const same = (a, b) => a.length === b.length && a.every((x, i) => Number(x) === Number(b[i]));

function firstDiff(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && Number(a[i]) === Number(b[i])) ++i;
  return i;
}

let failures = 0;
let checked = 0;
const show = (s) => JSON.stringify(s.length > 80 ? s.slice(0, 77) + '...' : s);

async function checkFamily(family, root, skip) {
  const folder = path.join(root, family);
  const oracle = await loadOracle(root, family);
  const plainCopy = plainTextCopy(folder);
  const plainOracle = await loadOracle(plainCopy.dir, plainCopy.name);
  const divergent = new Map(KNOWN_DIVERGENCES[family] ?? []);
  const skipped = (text) => divergent.has(text) || (skip !== null && skip.test(text));

  // Each check: the request for tokenizer_dump, the expectation, and a label for reports.
  const checks = [];
  const add = (label, request, expected) => checks.push({ label, request, expected });

  // 1. The shipped llama.cpp cases: ids without special tokens.
  const inp = path.join(folder, 'cases.inp');
  if (fs.existsSync(inp)) {
    const inputs = fs.readFileSync(inp, 'utf8').split('\n__ggml_vocab_test__\n');
    const outputs = fs.readFileSync(path.join(folder, 'cases.out'), 'utf8').split('\n');
    inputs.forEach((text, i) => {
      const shipped = outputs[i].trim() === '' ? [] : outputs[i].trim().split(/\s+/).map(Number);
      if (!same(plainIds(oracle, text), shipped)) {
        console.error(`${family}: transformers.js disagrees with shipped case ${i}; check the fixture`);
        failures++;
      }
      add(`shipped case ${i} ${show(text)}`, { text, plain: true }, { ids: shipped });
    });
  }

  // 2. Every text alone, and 3. paired with a hypothesis (those that fit the limit).
  const all = [...texts, ...longWords];
  all.forEach((text, i) => {
    if (skipped(text)) return;
    add(`single ${show(text)}`, { text }, oracleEncode(oracle, text));
    const hypothesis = strings.hypotheses[i % strings.hypotheses.length];
    const expected = oracleEncode(oracle, text, hypothesis);
    if (expected.ids.length <= LIMIT) {
      add(`pair ${show(text)} + ${show(hypothesis)}`, { text, pair: hypothesis }, expected);
    }
  });

  // 4. Pairs at and just under the limit: the longest premise (in journal sentences, then
  //    in characters) whose pair still fits.
  const longPremise = Array.from({ length: 60 }, (_, i) => texts[i % texts.length]).join(' ');
  for (const hypothesis of strings.hypotheses.slice(0, 4)) {
    let lo = 0;
    let hi = longPremise.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (oracleEncode(oracle, longPremise.slice(0, mid), hypothesis).ids.length <= LIMIT) lo = mid;
      else hi = mid - 1;
    }
    for (const cut of [lo, lo - 1, lo - 7, lo - 40]) {
      const premise = longPremise.slice(0, cut);
      const expected = oracleEncode(oracle, premise, hypothesis);
      add(`near-limit pair (${expected.ids.length} tokens) + ${show(hypothesis)}`,
        { text: premise, pair: hypothesis, max_length: LIMIT }, expected);
    }
  }

  // 5. Premise-only truncation: the oracle's full pair with the premise's tail removed.
  for (const [k, hypothesis] of strings.hypotheses.entries()) {
    for (const limit of [LIMIT, 128, 64, 24]) {
      const premise = longPremise.slice(k * 50);
      const full = oracleEncode(oracle, premise, hypothesis);
      const premiseLength = plainIds(oracle, premise).length;
      const hypothesisLength = plainIds(oracle, hypothesis).length;
      const specials = full.ids.length - premiseLength - hypothesisLength;
      const keep = limit - specials - hypothesisLength;
      const request = { text: premise, pair: hypothesis, max_length: limit };
      if (keep <= 0) {
        // The hypothesis alone fills the limit: a clear error, never a cut hypothesis.
        add(`hypothesis over ${limit} + ${show(hypothesis)}`, request, { error: true });
        continue;
      }
      const cut = (a) => (a === null ? null : [...a.slice(0, 1 + keep), ...a.slice(1 + premiseLength)]);
      add(`truncated to ${limit} + ${show(hypothesis)}`, request,
        { ids: cut(full.ids), type_ids: cut(full.type_ids), attention_mask: cut(full.attention_mask) });
    }
  }

  // 6. Text that spells special tokens stays text.
  strings.lookalikes.forEach((text, i) => {
    if (skipped(text)) return;
    add(`look-alike ${show(text)}`, { text }, oracleEncode(plainOracle, text));
    const hypothesis = strings.hypotheses[i % strings.hypotheses.length];
    add(`look-alike pair ${show(text)}`, { text, pair: hypothesis }, oracleEncode(plainOracle, text, hypothesis));
    add(`look-alike as hypothesis ${show(text)}`, { text: 'I feel', pair: text },
      oracleEncode(plainOracle, 'I feel', text));
  });

  // 7. Random text from many scripts, fixed seed. For XLM-R, texts with combining marks are
  //    left out: there the charsmap divergence above applies.
  let seed = 20240611;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let k = 0; k < 600; ++k) {
    let text = '';
    const length = [1, 3, 8, 30][Math.floor(random() * 4)];
    for (let c = 0; c < length; ++c) {
      const [lo, hi] = RANDOM_RANGES[Math.floor(random() * RANDOM_RANGES.length)];
      text += String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1)));
      if (random() < 0.3) text += ' ';
    }
    if (/[[<]/.test(text) || skipped(text) || (family === 'xlmr' && /\p{M}/u.test(text))) continue;
    add(`random ${show(text)}`, { text }, oracleEncode(oracle, text));
  }

  // Run ours and compare.
  const ours = runOurs(folder, checks.map((c) => c.request));
  let familyFailures = 0;
  checks.forEach((check, i) => {
    const got = ours[i];
    const want = check.expected;
    const problems = [];
    if (want.error) {
      if (!got.error) problems.push('expected an error, got an encoding');
    } else if (got.error) problems.push(`error: ${got.error}`);
    else {
      if (!same(got.ids, want.ids)) {
        const at = firstDiff(got.ids, want.ids);
        problems.push(`ids differ at ${at}: ours ${JSON.stringify(got.ids.slice(at, at + 6))} ` +
          `oracle ${JSON.stringify(want.ids.slice(at, at + 6).map(Number))} (lengths ${got.ids.length}/${want.ids.length})`);
      }
      if (want.attention_mask && !same(got.attention_mask, want.attention_mask)) problems.push('attention masks differ');
      if (!check.request.plain) {
        // transformers.js gives type ids only where the model uses them (BERT); the other
        // families must be all zeros.
        const wantTypes = want.type_ids ?? new Array(got.ids.length).fill(0);
        if (!same(got.type_ids, wantTypes)) problems.push(`type ids differ at ${firstDiff(got.type_ids, wantTypes)}`);
      }
    }
    checked++;
    if (problems.length) {
      familyFailures++;
      if (familyFailures <= 15) console.error(`${family}: ${check.label}: ${problems.join('; ')}`);
    }
  });

  // The listed divergences must still differ, or the list is stale.
  if (divergent.size) {
    const list = [...divergent.keys()];
    const oursList = runOurs(folder, list.map((text) => ({ text })));
    list.forEach((text, i) => {
      if (same(oursList[i].ids ?? [], oracleEncode(oracle, text).ids)) {
        console.error(`${family}: ${show(text)} is listed as a divergence but now agrees; remove it`);
        familyFailures++;
      }
    });
  }
  fs.rmSync(plainCopy.dir, { recursive: true, force: true });
  failures += familyFailures;
  console.log(`${family}: ${checks.length} checks, ${familyFailures} failed, ${divergent.size} known divergences`);
}

/// Writes a variant's folder under a temporary root; returns the root.
function makeVariant(variant) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'empathic-tok-variant-'));
  const source = path.join(args.fixtures, variant.from);
  const spec = JSON.parse(fs.readFileSync(path.join(source, 'tokenizer.json'), 'utf8'));
  const config = JSON.parse(fs.readFileSync(path.join(source, 'tokenizer_config.json'), 'utf8'));
  variant.edit(spec);
  if (variant.tokenizerClass) config.tokenizer_class = variant.tokenizerClass;
  fs.mkdirSync(path.join(root, variant.name));
  fs.writeFileSync(path.join(root, variant.name, 'tokenizer.json'), JSON.stringify(spec));
  fs.writeFileSync(path.join(root, variant.name, 'tokenizer_config.json'), JSON.stringify(config));
  return root;
}

for (const family of FAMILIES) await checkFamily(family, args.fixtures, null);
for (const variant of VARIANTS) {
  const root = makeVariant(variant);
  await checkFamily(variant.name, root, variant.skip);
  fs.rmSync(root, { recursive: true, force: true });
}

console.log(`tokenizer parity: ${checked} checks, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
