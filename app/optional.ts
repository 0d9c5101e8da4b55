/** `{ [key]: value }`, or nothing when the value is undefined (for optional fields under exact types). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
