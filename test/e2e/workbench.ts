import type { Locator, Page } from 'playwright-core';

// What a person does in the VS Code workbench, with the keyboard where possible (sturdier than clicking
// through layouts that change between versions). Written against code-server 4.100.3 (VS Code 1.100).

export class Workbench {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  }

  statusItem(id: string): Locator {
    return this.page.locator(`[id="${id}"]`);
  }

  /** Runs a command from the palette by its title. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file with Quick Open and waits for its editor. */
  async openFile(path: string, textInFile: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(path);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: path.split('/').pop() })
      .first()
      .waitFor();
    await this.page.keyboard.press('Enter');
    await this.editorLines().filter({ hasText: textInFile }).waitFor();
  }

  /** Moves the cursor (Go to Line, which also centres the line). */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.page.locator('.quick-input-widget input').fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
  }

  editorLines(): Locator {
    return this.page.locator('.editor-instance .monaco-editor .view-lines');
  }

  /** The rendered token with exactly this text in the active editor. */
  token(text: string): Locator {
    const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return this.editorLines().locator('span', { hasText: exact }).last();
  }

  hover(): Locator {
    return this.page.locator('.monaco-hover:visible');
  }

  codeLenses(): Locator {
    return this.page.locator('.editor-instance .codelens-decoration');
  }

  problemsPanel(): Locator {
    return this.page.locator('.markers-panel');
  }

  /** The rows of a view in the side bar, by the view's name. */
  viewRows(name: string): Locator {
    return this.page
      .locator('.pane', { has: this.page.locator(`.pane-header[aria-label="${name} Section"]`) })
      .locator('.monaco-list-row');
  }
}
