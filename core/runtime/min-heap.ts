/** Binary min-heap on a numeric priority. */
export class MinHeap<T> {
  readonly #items: { priority: number; value: T }[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(priority: number, value: T): void {
    const items = this.#items;
    items.push({ priority, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      const c = items[i];
      if (!p || !c || p.priority <= c.priority) break;
      items[parent] = c;
      items[i] = p;
      i = parent;
    }
  }

  peekPriority(): number | undefined {
    return this.#items[0]?.priority;
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (!top || !last) return undefined;
    if (items.length === 0) return top.value;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      const li = items[l];
      const ri = items[r];
      const si = items[smallest];
      if (li && si && li.priority < si.priority) smallest = l;
      const s2 = items[smallest];
      if (ri && s2 && ri.priority < s2.priority) smallest = r;
      if (smallest === i) break;
      const a = items[i];
      const b = items[smallest];
      if (!a || !b) break;
      items[i] = b;
      items[smallest] = a;
      i = smallest;
    }
    return top.value;
  }
}
