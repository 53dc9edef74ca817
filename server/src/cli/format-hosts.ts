import type { GlobalServiceRow, Reach } from '../../../shared/src';

export function formatHostsText(rows: GlobalServiceRow[]): string {
  if (rows.length === 0)
    return 'No global services: no Service or Namespace carries an exporting solo.io/service-scope.\n';
  const table: string[][] = [['HOSTNAME', 'SCOPE', 'CLUSTER', 'EXPORTED', 'ENDPOINTS', 'FILE']];
  for (const row of rows) {
    row.clusters.forEach((cluster, index) => {
      table.push([
        index === 0 ? row.hostname : '',
        index === 0 ? row.scope : '',
        cluster.cluster,
        cluster.exported ? 'yes' : 'NO',
        String(cluster.endpoints),
        cluster.file,
      ]);
    });
  }
  return alignColumns(table);
}

export function alignColumns(table: string[][]): string {
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0))) ?? [];
  return `${table
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** SPEC §8 `reach --format json`. */
export function reachJson(reach: Reach) {
  return {
    hostname: reach.hostname,
    from: reach.from,
    mode: reach.mode,
    chosen: reach.chosen,
    candidates: reach.candidates.map(({ cluster, endpoints, network, region, zone, file }) => ({
      cluster,
      endpoints,
      network,
      region: region ?? null,
      zone: zone ?? null,
      file,
    })),
    excluded: reach.excluded.map(({ cluster, endpoints, file, reason }) => ({
      cluster,
      endpoints,
      file,
      reason,
    })),
    explanation: reach.explanation,
  };
}

export function formatReachText(reach: Reach): string {
  const total = reach.chosen.reduce((sum, entry) => sum + entry.endpoints, 0);
  const chosen =
    reach.chosen.length > 0
      ? reach.chosen
          .map((entry) => `${entry.cluster} (${entry.endpoints} endpoint${entry.endpoints === 1 ? '' : 's'})`)
          .join(', ')
      : 'nothing';
  return `${reach.hostname} from ${reach.from} · mode ${reach.mode}\nchosen: ${chosen}${total > 0 ? ` · ${total} endpoints` : ''}\n\n${reach.explanation}\n`;
}
