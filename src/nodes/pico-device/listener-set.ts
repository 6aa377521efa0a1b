/** Listeners of one kind of event; a listener that throws is reported and the others still run. */
export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  /** Adds `listener`; returns the function that removes it. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) this.call(listener, value);
  }

  /** Calls one listener, guarded like emit does. */
  call(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (err) {
      this.onListenerError(err);
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
