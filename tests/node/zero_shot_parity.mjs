// End-to-end parity of `empathic classify` with transformers.js' zero-shot-classification
// pipeline, the independent reference (DESIGN.md section 3), on the generated random-weight
// models: the same labels in the same order, and every score within 1e-4, for each model
// family, both modes and two templates.
//
//   node zero_shot_parity.mjs <empathic binary> <models folder>
//
// The reference runs fully offline from the local model folders (dtype fp32, model.onnx);
// empathic is run with --full-precision so both load the same file.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { env, pipeline } from '@huggingface/transformers';

const TOLERANCE = 1e-4;
const [binary, modelsDir] = process.argv.slice(2);
if (!binary || !modelsDir) {
  console.error('usage: node zero_shot_parity.mjs <empathic binary> <models folder>');
  process.exit(2);
}
for (const family of ['bert', 'roberta', 'xlmr']) {
  if (!existsSync(path.join(modelsDir, family, 'onnx', 'model.onnx'))) {
    console.error(`missing ${modelsDir}/${family}; run \`make fixtures\``);
    process.exit(1);
  }
}

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.resolve(modelsDir) + path.sep;

// Entries kept under the models' limit (the reference truncates differently; see DESIGN.md).
const TEXTS = [
  'I finally finished the marathon today and I could not stop smiling.',
  'Grandma passed away this morning. I keep looking at her old letters.\nWhy now?',
  'Café au lait, naïve résumé — ünïcödé and CJK 今日は楽しかった。 too!',
];
const LABELS = ['joy', 'grief', 'pride', 'anxiety', 'relief'];
const TEMPLATES = ['This example is {}.', 'The writer of this journal entry feels {}.'];

function runEmpathic(family, text, labels, template, multiLabel) {
  const args = ['classify', text, '--labels', labels.join(','), '--template', template,
                '--model', path.join(modelsDir, family), '--full-precision', '--json'];
  if (!multiLabel) args.push('--single-label');
  return JSON.parse(execFileSync(binary, args, { encoding: 'utf8' }));
}

// Compares one case; returns the largest score difference, or throws with the details.
function compare(ours, reference, what) {
  if (ours.sequence !== reference.sequence) throw new Error(`${what}: sequence differs`);
  if (ours.labels.length !== reference.labels.length) throw new Error(`${what}: label count`);
  let worst = 0;
  for (let i = 0; i < reference.labels.length; ++i) {
    const j = ours.labels.indexOf(reference.labels[i]);
    if (j < 0) throw new Error(`${what}: label ${reference.labels[i]} missing`);
    const diff = Math.abs(ours.scores[j] - reference.scores[i]);
    worst = Math.max(worst, diff);
    if (diff > TOLERANCE) {
      throw new Error(`${what}: ${reference.labels[i]} scored ${ours.scores[j]}, ` +
                      `reference ${reference.scores[i]}`);
    }
    // Order must match wherever the reference's scores are apart by more than the tolerance.
    if (i > 0 && reference.scores[i - 1] - reference.scores[i] > TOLERANCE &&
        ours.labels.indexOf(reference.labels[i - 1]) > j) {
      throw new Error(`${what}: ${reference.labels[i - 1]} should come before ` +
                      `${reference.labels[i]}`);
    }
  }
  return worst;
}

let cases = 0;
let failures = 0;
let worst = 0;
for (const family of ['bert', 'roberta', 'xlmr']) {
  const classifier = await pipeline('zero-shot-classification', family, { dtype: 'fp32' });
  const runs = [];
  for (const text of TEXTS) {
    for (const template of TEMPLATES) {
      for (const multiLabel of [true, false]) runs.push([text, LABELS, template, multiLabel]);
    }
  }
  runs.push([TEXTS[0], ['pride'], TEMPLATES[0], false]);  // one label: scored on its own
  for (const [text, labels, template, multiLabel] of runs) {
    const what = `${family} ${multiLabel ? 'multi' : 'single'}-label, ${labels.length} ` +
                 `label(s), template "${template}", text ${TEXTS.indexOf(text)}`;
    ++cases;
    try {
      const reference = await classifier(text, labels,
                                         { hypothesis_template: template,
                                           multi_label: multiLabel });
      const ours = runEmpathic(family, text, labels, template, multiLabel);
      worst = Math.max(worst, compare(ours, reference, what));
    } catch (error) {
      ++failures;
      console.error(`FAIL ${error.message}`);
    }
  }
}
console.log(`${cases - failures}/${cases} cases agree with transformers.js; ` +
            `largest score difference ${worst.toExponential(2)}`);
process.exit(failures === 0 ? 0 : 1);
