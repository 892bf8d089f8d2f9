/**
 * One error hierarchy for the whole service. The HTTP status travels on the
 * error and the error middleware maps it in one place; `code` is the stable,
 * machine-readable name clients match on.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super(code, message, 400, details);
  }
}

export class AuthError extends AppError {
  constructor(message: string, code = 'unauthorized') {
    super(code, message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code = 'forbidden') {
    super(code, message, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code = 'not_found') {
    super(code, message, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(code, message, 409);
  }
}

/** The resource existed but is over for good: a retry will not help (Event Grid dead-letters a 410 at once). */
export class GoneError extends AppError {
  constructor(message: string, code = 'gone') {
    super(code, message, 410);
  }
}

/** The request is well-formed but would take the resource over a stored-size limit. */
export class TooLargeError extends AppError {
  constructor(message: string, code = 'payload_too_large', details?: unknown) {
    super(code, message, 413, details);
  }
}

/**
 * A fault of ours or of a dependency that passes (the database away or out of
 * disk): 503 with Retry-After, so a sender retries instead of giving up.
 */
export class ServiceUnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'service_unavailable',
  ) {
    super(code, message, 503);
  }
}

/**
 * The Call Automation service refused or failed a request we made for the
 * client. When it refused the client's own data (a 4xx other than our
 * credentials or throttling), the client hears a 422, not a 5xx.
 */
export class UpstreamError extends AppError {
  constructor(message: string, details: { status?: number | null } & Record<string, unknown>) {
    const refusedData = typeof details.status === 'number' && details.status >= 400 && details.status < 500 && ![401, 403, 408, 429].includes(details.status);
    super(refusedData ? 'rejected_by_call_automation' : 'upstream_error', message, refusedData ? 422 : 502, details);
  }
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
