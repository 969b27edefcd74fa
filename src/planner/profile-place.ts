/**
 * Greedy placement for buffers whose occupancy changes over time (dietml's shared in-place buffers). A buffer
 * is a group of tensors handed over in place; every member is right-aligned to the group's top, so at any op
 * it occupies [top - size(member alive then), top). The group then needs its full size only while its largest
 * member lives, and smaller neighbours can sit below it at other times. Each buffer goes to the lowest offset
 * where no segment collides with a placed one; two orders are tried — TFLM's (largest first) and chronological
 * (first use, then earliest to die, then largest), which lets a group grow over a tensor that dies before the group's big member
 * arrives — and the smaller arena wins.
 */

export interface Segment {
  first: number;
  last: number;
  size: number;
}

export interface ProfileBuffer {
  /** Largest segment size: the group's span below its top. */
  size: number;
  segments: Segment[];
}

function overlapsInTime(a: Segment, b: Segment): boolean {
  return !(a.first > b.last || b.first > a.last);
}

export function placeRightAligned(buffers: readonly ProfileBuffer[]): { offsets: number[]; arenaBytes: number } {
  const ids = buffers.map((_, i) => i);
  const firstUse = (b: ProfileBuffer): number => Math.min(...b.segments.map((s) => s.first));
  const lastUse = (b: ProfileBuffer): number => Math.max(...b.segments.map((s) => s.last));
  const bySize = [...ids].sort((a, b) => buffers[b]!.size - buffers[a]!.size || a - b);
  const byTime = [...ids].sort((a, b) => firstUse(buffers[a]!) - firstUse(buffers[b]!) || lastUse(buffers[a]!) - lastUse(buffers[b]!) || buffers[b]!.size - buffers[a]!.size || a - b);
  const x = placeInOrder(buffers, bySize);
  const y = placeInOrder(buffers, byTime);
  return y.arenaBytes < x.arenaBytes ? y : x;
}

function placeInOrder(buffers: readonly ProfileBuffer[], order: readonly number[]): { offsets: number[]; arenaBytes: number } {
  const offsets = new Array<number>(buffers.length).fill(0);
  const placed: number[] = [];
  let arenaBytes = 0;
  // Segment s of buffer i at offset o occupies [o + size_i - s.size, o + size_i).
  const collides = (a: ProfileBuffer, o: number): boolean => {
    for (const j of placed) {
      const b = buffers[j]!;
      const ob = offsets[j]!;
      for (const sa of a.segments) {
        if (sa.size === 0) continue;
        const lo = o + a.size - sa.size;
        const hi = o + a.size;
        for (const sb of b.segments) {
          if (sb.size === 0 || !overlapsInTime(sa, sb)) continue;
          if (lo < ob + b.size && ob + b.size - sb.size < hi) return true;
        }
      }
    }
    return false;
  };
  for (const id of order) {
    const a = buffers[id]!;
    const candidates = new Set<number>([0]);
    for (const j of placed) {
      const b = buffers[j]!;
      for (const sa of a.segments) {
        for (const sb of b.segments) {
          if (!overlapsInTime(sa, sb)) continue;
          // Just above b's segment: a's segment starts where b's ends.
          candidates.add(Math.max(0, offsets[j]! + b.size - a.size + sa.size));
        }
      }
    }
    const sorted = [...candidates].sort((x, y) => x - y);
    let at = sorted.find((o) => !collides(a, o));
    if (at === undefined) at = sorted[sorted.length - 1]!; // unreachable: the highest candidate clears everything
    offsets[id] = at;
    placed.push(id);
    arenaBytes = Math.max(arenaBytes, at + a.size);
  }
  return { offsets, arenaBytes };
}
