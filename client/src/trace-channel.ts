import { EventEmitter, LogLevel, type LogOutputChannel, type ViewColumn, window, workspace } from 'vscode';

const TRACE_SETTING = 'meshLens.trace.server';

/**
 * The `Mesh Lens Trace` output channel. vscode-languageclient traces into a channel only while its log
 * level is Trace, and then reads `meshLens.trace.server` for `messages` or `verbose`; this channel
 * reports Trace exactly when that setting is not `off`, so the setting alone turns tracing on and off
 * (no restart, no separate log level to find).
 */
export function createTraceChannel(): LogOutputChannel {
  const channel = window.createOutputChannel('Mesh Lens Trace');
  const levelChanged = new EventEmitter<LogLevel>();
  const level = () =>
    workspace.getConfiguration().get<string>(TRACE_SETTING, 'off') === 'off' ? LogLevel.Off : LogLevel.Trace;
  const settingWatcher = workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(TRACE_SETTING)) levelChanged.fire(level());
  });
  const write = (message: string | Error) =>
    channel.appendLine(`${new Date().toISOString().slice(11, 23)} ${String(message)}`);
  return {
    name: channel.name,
    get logLevel() {
      return level();
    },
    onDidChangeLogLevel: levelChanged.event,
    trace: write,
    debug: write,
    info: write,
    warn: write,
    error: write,
    append: (value: string) => channel.append(value),
    appendLine: (value: string) => channel.appendLine(value),
    replace: (value: string) => channel.replace(value),
    clear: () => channel.clear(),
    show: (columnOrPreserveFocus?: ViewColumn | boolean, preserveFocus?: boolean) =>
      typeof columnOrPreserveFocus === 'number'
        ? channel.show(columnOrPreserveFocus, preserveFocus)
        : channel.show(columnOrPreserveFocus),
    hide: () => channel.hide(),
    dispose: () => {
      settingWatcher.dispose();
      levelChanged.dispose();
      channel.dispose();
    },
  };
}
