import { type Event, EventEmitter, type TreeDataProvider, type TreeItem } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/**
 * A tree view drawn from one server request: the answer is asked for once and kept until `refresh`
 * (after every analysis), so expanding nodes does not ask again. A failed request shows an empty tree
 * and is asked again next time.
 */
export abstract class ServerTree<Result, Node> implements TreeDataProvider<Node> {
  readonly #changed = new EventEmitter<undefined>();
  readonly onDidChangeTreeData: Event<undefined> = this.#changed.event;
  #result: Promise<Result> | undefined;

  constructor(
    protected readonly client: LanguageClient,
    private readonly request: string,
    private readonly empty: Result,
  ) {}

  /** Forgets the last answer; the view asks the server again. */
  refresh(): void {
    this.#result = undefined;
    this.#changed.fire(undefined);
  }

  abstract getChildren(node?: Node): Promise<Node[]>;
  abstract getTreeItem(node: Node): TreeItem;

  protected load(): Promise<Result> {
    if (!this.client.isRunning()) return Promise.resolve(this.empty);
    this.#result ??= Promise.resolve(this.client.sendRequest<Result>(this.request)).catch((error: Error) => {
      this.client.error(`Mesh Lens: the ${this.request} request failed`, error, false);
      this.#result = undefined;
      return this.empty;
    });
    return this.#result;
  }
}
