import { onUnexpectedError } from './unexpectedError';

export interface IDisposable {
  dispose(): void;
}

/** Owns what it registers and disposes it in reverse order, once. */
export abstract class Disposable implements IDisposable {
  private readonly disposables: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends IDisposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (e) {
        // One failing disposal must not leak the rest.
        onUnexpectedError(e, 'dispose');
      }
    }
  }
}

export type Listener<T> = (event: T) => void;

/** A tiny event emitter shaped like vscode.EventEmitter, so the core needs no vscode. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): IDisposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (e) {
        // A failing listener must not stop the others, and must not vanish either.
        onUnexpectedError(e, 'event listener');
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
