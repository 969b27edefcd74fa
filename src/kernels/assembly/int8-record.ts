// Kernel arguments arrive as a record of int32 fields in memory, written once per op at prepare time.
@inline export function rd(rec: usize, i: i32): i32 {
  return load<i32>(rec + (<usize>i << 2));
}
