/**
 * Maps an event type to its one handler. A second handler for a type is a
 * wiring mistake, refused at start-up; once events flow the registry is frozen.
 */
export class HandlerRegistry<C> {
  private readonly handlers = new Map<string, (event: never, ctx: C) => Promise<void>>();
  private frozen = false;

  on<E>(type: string, handler: (event: E, ctx: C) => Promise<void>): this {
    if (this.frozen) throw new Error(`handler registry is frozen; cannot add ${type}`);
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler as (event: never, ctx: C) => Promise<void>);
    return this;
  }

  freeze(): this {
    this.frozen = true;
    return this;
  }

  get(type: string): ((event: unknown, ctx: C) => Promise<void>) | undefined {
    return this.handlers.get(type) as ((event: unknown, ctx: C) => Promise<void>) | undefined;
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
