import type { Command } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { OpenTarget } from '../../shared/src/protocol';

/** A tree item's command that opens a server-given place (`vscode.open`, at the range when there is one). */
export function openCommand(client: LanguageClient, target: OpenTarget, title: string): Command {
  const p2c = client.protocol2CodeConverter;
  return {
    title,
    command: 'vscode.open',
    arguments: [p2c.asUri(target.uri), target.range ? { selection: p2c.asRange(target.range) } : {}],
  };
}
