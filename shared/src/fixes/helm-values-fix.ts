import { isScalar, parseAllDocuments, visit } from 'yaml';
import type { Fix, TextEdit } from '../text/findings';
import { createSourceFile, offsetAt, rangeAt } from '../text/source';
import { helmSourceAt, helmTemplatePath } from '../yaml/helm-source';
import { replaceScalar } from './yaml-edits';

// A fix on committed `helm template` output is undone by the next render: the value came from the
// chart's values. When the chart is in the workspace and exactly one scalar of its values files
// holds the value the fix replaces (in a values file named for the rendered document's cluster,
// when several files hold it), that scalar is the layer at fault: the fix edits it and the rendered
// document together, one transaction, so the output stays what the next render prints. Any doubt
// (no chart, no such scalar, several) and there is no values fix: the rendered edit is offered alone,
// never preferred (generated-output.ts).

export interface HelmContext {
  /** The text the workspace holds for a file, if it was read. */
  textOf(file: string): string | undefined;
  /** Every workspace path. */
  paths(): Iterable<string>;
  /** The clusters a file is placed in. */
  clustersOf(file: string): readonly string[];
}

/** The fix moved to the chart's values file (and kept on the rendered document), if that is certain. */
export function helmValuesFix(fix: Fix, context: HelmContext): Fix | undefined {
  const [change, ...others] = fix.changes;
  const [edit, ...moreEdits] = change?.edits ?? [];
  if (!change || !edit || others.length > 0 || moreEdits.length > 0 || change.create) return undefined;
  const rendered = context.textOf(change.file);
  if (rendered === undefined) return undefined;
  const source = createSourceFile(change.file, rendered);
  const start = offsetAt(source, edit.range.start);
  const template = helmSourceAt(rendered, start);
  const oldValue = unquoted(rendered.slice(start, offsetAt(source, edit.range.end)));
  const newValue = unquoted(edit.newText);
  if (!template || oldValue === undefined || newValue === undefined) return undefined;
  const chart = chartFolderOf(template, context);
  if (!chart) return undefined;
  const target = valuesScalar(chart, oldValue, context.clustersOf(change.file), context);
  if (!target) return undefined;
  return {
    ...fix,
    preferred: true,
    title: `${fix.title} in ${target.file} (and in the rendered ${change.file})`,
    changes: [{ file: target.file, edits: [replaceScalar(target.ctx, target.range, newValue)] }, change],
  };
}

/** A scalar's value from its text: plain or quoted; undefined for anything else. */
function unquoted(text: string): string | undefined {
  if (/^"[^"\\]*"$/.test(text) || /^'[^']*'$/.test(text)) return text.slice(1, -1);
  return /^[^\s"'{}[\],#&*!|>%@`]+$/.test(text) ? text : undefined;
}

/** The chart folder in the workspace whose templates hold `<chart>/templates/<file>`. */
function chartFolderOf(template: string, context: HelmContext): string | undefined {
  const marker = template.indexOf('/templates/');
  if (marker < 0) return undefined;
  const found = helmTemplatePath(template, context.paths());
  return found ? found.slice(0, found.length - (template.length - marker)) : undefined;
}

interface ValuesScalar {
  file: string;
  ctx: Parameters<typeof replaceScalar>[0];
  range: TextEdit['range'];
}

function valuesScalar(
  chart: string,
  value: string,
  clusters: readonly string[],
  context: HelmContext,
): ValuesScalar | undefined {
  const found = [...context.paths()]
    .filter((path) => isValuesFile(chart, path))
    .flatMap((path) => scalarsHolding(path, value, context));
  if (found.length <= 1) return found[0];
  // Several values files hold it: the one named for the cluster (`values/west.yaml`, `values-west.yaml`).
  const forCluster = found.filter((scalar) => clusters.some((cluster) => namesCluster(scalar.file, cluster)));
  return forCluster.length === 1 ? forCluster[0] : undefined;
}

function isValuesFile(chart: string, path: string): boolean {
  if (!path.startsWith(`${chart}/`) || !/\.ya?ml$/.test(path)) return false;
  const inChart = path.slice(chart.length + 1);
  return (
    !inChart.startsWith('templates/') && !inChart.startsWith('charts/') && !/^Chart\.ya?ml$/.test(inChart)
  );
}

function namesCluster(path: string, cluster: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
  return name === cluster || name.endsWith(`-${cluster}`) || name.endsWith(`.${cluster}`);
}

function scalarsHolding(path: string, value: string, context: HelmContext): ValuesScalar[] {
  const text = context.textOf(path);
  if (text === undefined || !text.includes(value)) return [];
  const source = createSourceFile(path, text);
  const found: ValuesScalar[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc) || doc.errors.length > 0) return [];
    visit(doc, {
      Pair(_, pair) {
        const node = pair.value;
        if (isScalar(node) && node.value === value && node.range) {
          const [start, end] = node.range;
          found.push({ file: path, ctx: { source, doc }, range: rangeAt(source, start, end) });
        }
      },
    });
  }
  return found;
}
