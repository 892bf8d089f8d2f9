/**
 * A list that keeps only its newest `capacity` items, so logs kept for a
 * 10,000-call run stay a fixed size. `dropped` tells a reader that older
 * entries existed.
 */
export class RingBuffer<T> {
  private items: T[] = [];
  private start = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.dropped += 1;
  }

  get size(): number {
    return this.items.length;
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.start === 0 ? this.items.slice() : [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.dropped = 0;
  }
}
