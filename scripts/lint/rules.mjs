// The project's own ESLint rules, kept small enough to read in one sitting:
// - `layers`: what a file may import, by where it lives (the table is in eslint.config.mjs);
// - `size-waiver`: the only accepted way out of max-lines / max-lines-per-function is a
//   `/* eslint-disable max-lines -- why */` comment at the top of the file, and it must say why.
import { dirname, relative, resolve, sep } from 'node:path';

/** Is `rel` (a repo-relative path, '/'-separated) inside one of `dirs`? */
function inside(rel, dirs) {
  return dirs.some((d) => rel === d || rel.startsWith(`${d}/`));
}

/** Does a bare specifier (a package, a builtin) match one of the patterns: exact, `scope/*` or `node:*`? */
function matchesPackage(spec, patterns) {
  return patterns.some((p) => (p.endsWith('*') ? spec.startsWith(p.slice(0, -1)) : spec === p || spec.startsWith(`${p}/`)));
}

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer direction: core <- formats <- engine <- extension/cli; webview sees core and protocol' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layer: { type: 'string' },
          mayImport: { type: 'array', items: { type: 'string' } },
          forbiddenPackages: { type: 'array', items: { type: 'string' } },
        },
        required: ['root', 'layer', 'mayImport'],
        additionalProperties: false,
      },
    ],
    messages: {
      path: "{{layer}} may not import '{{spec}}' ({{target}}): it may import only {{allowed}}.",
      package: "{{layer}} may not import the package '{{spec}}'.",
    },
  },
  create(context) {
    const { root, layer, mayImport, forbiddenPackages = [] } = context.options[0];
    const from = dirname(context.filename);
    const check = (node, source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(from, spec)).split(sep).join('/');
        if (!inside(target, mayImport)) {
          context.report({ node, messageId: 'path', data: { layer, spec, target, allowed: mayImport.join(', ') } });
        }
      } else if (matchesPackage(spec, forbiddenPackages)) {
        context.report({ node, messageId: 'package', data: { layer, spec } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference?.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
    };
  },
};

const SIZE_RULES = ['max-lines', 'max-lines-per-function'];

const sizeWaiver = {
  meta: {
    type: 'problem',
    docs: { description: 'Size limits are waived only by a file-level eslint-disable at the top that says why' },
    schema: [],
    messages: {
      notAtTop: 'Waive {{rule}} only with a /* eslint-disable {{rule}} -- why */ comment at the top of the file.',
      noReason: "Say why this file is exempt from {{rule}}: /* eslint-disable {{rule}} -- the reason */.",
    },
  },
  create(context) {
    const source = context.sourceCode;
    return {
      Program(program) {
        const firstToken = source.getFirstToken(program);
        for (const comment of source.getAllComments()) {
          const m = /^\s*eslint-disable(-next-line|-line)?(?:\s+([^]*?))?(?:\s--\s*([^]*))?\s*$/.exec(comment.value);
          // A bare `eslint-disable` silences this rule too, so test/unit/lint forbids those in the tree.
          if (!m || !m[2]?.trim()) continue;
          const named = m[2].split(',').map((s) => s.trim());
          for (const rule of SIZE_RULES.filter((r) => named.includes(r))) {
            const atTop = !m[1] && comment.type === 'Block' && (!firstToken || comment.range[1] <= firstToken.range[0]);
            if (!atTop) context.report({ loc: comment.loc, messageId: 'notAtTop', data: { rule } });
            else if (!m[3]?.trim()) context.report({ loc: comment.loc, messageId: 'noReason', data: { rule } });
          }
        }
      },
    };
  },
};

export default { meta: { name: 'model-studio' }, rules: { layers, 'size-waiver': sizeWaiver } };
