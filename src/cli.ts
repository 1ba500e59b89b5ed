/**
 * The headless entry: `model-studio <command> ...`. The same core, formats and engine as the extension,
 * for CI, remote machines and scripts. Each command lives in src/cli/<command>.ts and is loaded on demand,
 * so `summary` never pays for loading tfjs.
 */
import { PRODUCT_VERSION } from './core/version';
import { reportError, type CommandModule, out } from './cli/io';

const commands: Record<string, { usage: string; what: string; load: () => Promise<CommandModule> }> = {
  new: { usage: 'new --template <id> DIR', what: 'create a model from a template', load: () => import('./cli/new') },
  templates: { usage: 'templates', what: 'list the built-in templates', load: () => import('./cli/templates') },
  summary: { usage: 'summary [--json] FILE', what: "print Keras' model.summary()", load: () => import('./cli/summary') },
  check: { usage: 'check FILE', what: 'list diagnostics; exit 1 on errors', load: () => import('./cli/check') },
  convert: { usage: 'convert IN OUT', what: 'convert between formats (.json, .h5, .keras, .onnx)', load: () => import('./cli/convert') },
  code: { usage: 'code MODEL --style sequential|functional|subclass|pytorch [--notebook] [--out FILE] [--force]', what: 'write the model as Python code (Keras or PyTorch), or a training notebook (--notebook)', load: () => import('./cli/code') },
  verify: { usage: 'verify FILE', what: 'compare tfjs and ONNX Runtime predictions', load: () => import('./cli/verify') },
  train: { usage: 'train MODEL --data SPEC [--epochs N] [--batch-size B] [--engine E|fastest] [--probe]', what: 'train a model (--probe: its speed on each engine)', load: () => import('./cli/train') },
  play: { usage: 'play MODEL [--env E] [--episodes N] [--seed S]', what: "play episodes with a trained network's greedy policy", load: () => import('./cli/play') },
  evaluate: { usage: 'evaluate MODEL --data SPEC', what: 'evaluate a model on a dataset', load: () => import('./cli/evaluate') },
  predict: { usage: 'predict MODEL --input X.npy --output Y.npy', what: 'run a model on inputs', load: () => import('./cli/predict') },
  demo: { usage: 'demo', what: 'train the mnist-mlp template on real MNIST', load: () => import('./cli/demo') },
  bench: { usage: 'bench [--models ...] [--engines ...]', what: 'training speed, as JSON lines', load: () => import('./cli/bench') },
};

function help(): string {
  const w = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return ['Usage: model-studio <command> [options]', '', ...Object.values(commands).map((c) => `  ${c.usage.padEnd(w)}  ${c.what}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.stdout.write(`${help()}\n`);
    return name ? 0 : 1;
  }
  if (name === '--version') {
    out.stdout.write(`${PRODUCT_VERSION}\n`);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    out.stderr.write(`error: unknown command "${name}"\n\n${help()}\n`);
    return 1;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (e) {
    return reportError(e);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = reportError(e);
    },
  );
}
