/** The time every background module reads: one type, one instance, a fake one in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Date;
