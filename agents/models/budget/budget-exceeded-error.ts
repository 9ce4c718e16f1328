/** A model call refused because a token or cost budget is spent: the input is dead-lettered with this reason. */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  readonly scope: string;

  constructor(scope: string, used: string, limit: string, windowMs: number) {
    super(
      `the ${scope} budget is spent (${used} of ${limit} in ${windowMs} ms): raise the budget, or let it wait (onExceeded: 'wait'), and re-drive the dead letter`,
    );
    this.scope = scope;
  }
}
