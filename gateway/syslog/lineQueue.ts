/** A first-in first-out queue for the syslog sinks' buffers (docs/gateway.md, Syslog delivery). */

/** FIFO with constant-time removal at the head: an array and a moving head index, compacted as it goes. */
export class LineQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Items held. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends at the tail. */
  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Replaces the oldest item (what is left of a line written in part). */
  replaceHead(item: T): void {
    if (this.head < this.items.length) this.items[this.head] = item;
  }

  /** Puts `items` (oldest first) ahead of everything held. */
  prepend(items: readonly T[]): void {
    if (items.length === 0) return;
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}
