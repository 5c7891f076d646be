import { UnknownNameError } from './errors.js';

/** One registered implementation. Higher `priority` wins when a registry picks automatically. */
export interface RegistryEntry<T> {
  readonly name: string;
  readonly priority: number;
  readonly value: T;
}

/**
 * A name → implementation table in the style of tfjs backends: engines, backbone
 * families and judges are registered by name with a priority, and looking up an unknown
 * name throws an `UnknownNameError` that lists every known name.
 */
export class Registry<T> {
  private readonly entries = new Map<string, RegistryEntry<T>>();

  /** @param kind what the entries are, used in error messages ("engine", "backbone family") */
  constructor(readonly kind: string) {}

  /** Adds or replaces an entry. Returns a function that removes it again (handy in tests). */
  register(name: string, value: T, priority = 0): () => void {
    const entry = { name, value, priority };
    this.entries.set(name, entry);
    return () => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    };
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry for `name`; throws `UnknownNameError` listing the known names otherwise. */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownNameError(this.kind, name, this.names());
    return entry.value;
  }

  /** Known names, highest priority first. */
  names(): string[] {
    return this.sorted().map((entry) => entry.name);
  }

  /** Entries, highest priority first (ties keep registration order). */
  sorted(): RegistryEntry<T>[] {
    return [...this.entries.values()].sort((a, b) => b.priority - a.priority);
  }
}
