/** `T` with its fields writable: the shape a pure decision builds its next state in before returning it. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
