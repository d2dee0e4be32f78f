/**
 * Tree rows cannot ask VS Code how wide the side bar is, so a row's text is fitted to a
 * width in pixels estimated per character (wide fonts, such as DejaVu Sans on Linux, at the
 * workbench's 13 px): what matters first, the rest only while it fits, the label shortened
 * last. The tooltip always carries every word.
 */

/** Estimated advance of one character of a row's description, in pixels. */
function charPx(c: string): number {
  const code = c.codePointAt(0) ?? 0;
  if ((code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xff00 && code <= 0xffef) || (code >= 0x3000 && code <= 0x303f)) return 12.5;
  if (c === ' ' || c === '·' || c === ':' || c === '.' || c === ',' || c === 'i' || c === 'l' || c === 'j' || c === 't' || c === 'f' || c === 'r' || c === 'I') return 4.5;
  if (c === '⚠' || c === '…' || c === 'm' || c === 'w' || c === 'M' || c === 'W') return 11;
  if (/[A-Z]/.test(c)) return 8.5;
  return 7.5;
}

export function textPx(text: string): number {
  let px = 0;
  for (const c of text) px += charPx(c);
  return px;
}

/** Label characters are drawn a little larger than the description's. */
const LABEL_SCALE = 1.12;
/** The gap between label and description. */
const GAP_PX = 6;
/** The shortest a label is cut to. */
const MIN_LABEL_PX = 56;

/**
 * Pixels left for label and description in a tree row of a side bar `sideBarPx` wide, at
 * `depth` (0: top level): indent, twistie and icon before, padding and scroll bar after.
 */
export function rowBudgetPx(sideBarPx: number, depth: number, inlineActions = 0): number {
  return Math.max(120, sideBarPx - 56 - 8 * depth - INLINE_ACTION_PX * inlineActions);
}

/** What one inline action covers of a hovered row (a 16 px icon and its padding): rows with one leave that room, so hovering hides none of their numbers. */
export const INLINE_ACTION_PX = 22;

export interface RowPart {
  readonly text: string;
  /** Shown even if the label must be shortened for it. */
  readonly keep?: boolean;
  /** Given the room left once everything else is placed, a longer text for it (`text` is the shortest). */
  readonly grow?: (px: number) => string;
}

export interface FittedRow {
  readonly label: string;
  readonly description: string;
  /** Parts left out (the tooltip has them). */
  readonly dropped: number;
}

/** Label and description for a row of `budgetPx`: kept parts, the label (cut with … if need be), then the others in order while they fit. */
export function fitRow(label: string, parts: readonly RowPart[], budgetPx: number, separator = ' · '): FittedRow {
  const sepPx = textPx(separator);
  const kept = parts.filter((p) => p.keep && p.text);
  const keptPx = kept.reduce((n, p, i) => n + textPx(p.text) + (i ? sepPx : 0), 0);
  const labelRoom = Math.max(MIN_LABEL_PX, budgetPx - GAP_PX - keptPx);
  const shownLabel = cut(label, labelRoom / LABEL_SCALE);
  let used = textPx(shownLabel) * LABEL_SCALE + GAP_PX + keptPx;
  const chosen = new Set<RowPart>(kept);
  for (const p of parts) {
    if (chosen.has(p) || !p.text) continue;
    const px = textPx(p.text) + (chosen.size ? sepPx : 0);
    if (used + px > budgetPx) continue;
    used += px;
    chosen.add(p);
  }
  const shown = parts.filter((p) => chosen.has(p));
  const texts = new Map(shown.map((p) => [p, p.text]));
  // The room left goes to the parts that can say more with it, in order.
  for (const p of shown) {
    if (!p.grow) continue;
    const longer = p.grow(textPx(p.text) + Math.max(0, budgetPx - used));
    if (longer !== p.text && textPx(longer) <= textPx(p.text) + budgetPx - used) {
      used += textPx(longer) - textPx(p.text);
      texts.set(p, longer);
    }
  }
  return { label: shownLabel, description: shown.map((p) => texts.get(p)).join(separator), dropped: parts.filter((p) => p.text).length - shown.length };
}

/** One count of a group's summary: "3 talking". */
export interface Count {
  readonly label: string;
  readonly n: number;
}

/**
 * A group's states in `px`, in the given order of importance ("3 talking · 1 wrap-up"): the most
 * frequent state is always there (ties go to the more important), the others join in order while
 * they fit, and agents in states left out are counted as "+N" — so no count contradicts another.
 */
export function fitCounts(counts: readonly Count[], px: number, separator = ' · '): string {
  const present = counts.filter((c) => c.n > 0);
  if (present.length === 0) return '';
  const text = (c: Count) => `${c.n} ${c.label}`;
  const total = present.reduce((n, c) => n + c.n, 0);
  const top = present.reduce((a, c) => (c.n > a.n ? c : a));
  const chosen = new Set<Count>([top]);
  const render = () => {
    const shown = present.filter((c) => chosen.has(c));
    const rest = total - shown.reduce((n, c) => n + c.n, 0);
    return shown.map(text).join(separator) + (rest > 0 ? ` +${rest}` : '');
  };
  for (const c of present) {
    if (chosen.has(c)) continue;
    chosen.add(c);
    if (textPx(render()) > px) chosen.delete(c);
  }
  return render();
}

/** The text cut to `px` with an ellipsis (whole characters). */
export function cut(text: string, px: number): string {
  if (textPx(text) <= px) return text;
  let out = '';
  let used = textPx('…');
  for (const c of text) {
    if (used + charPx(c) > px) break;
    out += c;
    used += charPx(c);
  }
  return `${out.trimEnd()}…`;
}
