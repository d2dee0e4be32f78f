// Agent ID → a small index, for counting records: a lookup per record counted, so it is the
// inner loop of every trend update (a Map of strings was most of the time spent counting).

/**
 * An ID of 1 to 7 digits (every ID a history line can hold) as a number, distinct for distinct
 * IDs: a leading 1 keeps leading zeros apart ('0101' → 10101, '101' → 1101). -1 for any other.
 */
export function agentCode(id: string): number {
  const n = id.length;
  if (n === 0 || n > 7) return -1;
  let code = 1;
  for (let i = 0; i < n; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    code = code * 10 + d;
  }
  return code;
}

/**
 * Indexes 0, 1, 2, … in the order agents were added. Digit IDs live in an open-addressing table
 * of two typed arrays (a lookup reads a cache line or two, and no string); any other ID in a Map.
 */
export class AgentIndex {
  /** Codes (0: empty) and their indexes; a power of two long, at most half full. */
  private codes = new Int32Array(64);
  private slots = new Int32Array(64);
  /** 32 minus the bits of the table's length: a code's first place is the top bits of its Fibonacci hash. */
  private shift = 26;
  private readonly others = new Map<string, number>();
  private count = 0;

  constructor(agents: Iterable<string> = []) {
    for (const a of agents) if (this.get(a) < 0) this.add(a);
  }

  get size(): number {
    return this.count;
  }

  /** The agent's index, or -1. */
  get(id: string): number {
    const code = agentCode(id);
    if (code < 0) return this.others.get(id) ?? -1;
    const mask = this.codes.length - 1;
    for (let i = Math.imul(code, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const c = this.codes[i];
      if (c === code) return this.slots[i];
      if (c === 0) return -1;
    }
  }

  /** Adds an agent not yet in the index; returns its index. */
  add(id: string): number {
    const index = this.count++;
    const code = agentCode(id);
    if (code < 0) this.others.set(id, index);
    else {
      if (this.count * 2 > this.codes.length) this.grow();
      this.put(code, index);
    }
    return index;
  }

  /** A copy that grows apart from this one. */
  copy(): AgentIndex {
    const c = new AgentIndex();
    c.codes = this.codes.slice();
    c.slots = this.slots.slice();
    c.shift = this.shift;
    for (const [id, i] of this.others) c.others.set(id, i);
    c.count = this.count;
    return c;
  }

  private put(code: number, index: number): void {
    const mask = this.codes.length - 1;
    let i = Math.imul(code, 0x9e3779b1) >>> this.shift;
    while (this.codes[i] !== 0) i = (i + 1) & mask;
    this.codes[i] = code;
    this.slots[i] = index;
  }

  private grow(): void {
    const { codes, slots } = this;
    this.codes = new Int32Array(codes.length * 2);
    this.slots = new Int32Array(codes.length * 2);
    this.shift--;
    for (let i = 0; i < codes.length; i++) if (codes[i] !== 0) this.put(codes[i], slots[i]);
  }
}
