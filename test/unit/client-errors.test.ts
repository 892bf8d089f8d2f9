import { AppError } from '../../src/errors';
import { CallAutomationError, isCallAutomationError } from '../../src/client/errors';

const init = {
  operation: 'playAudio' as const,
  upstreamStatus: 503,
  upstreamCode: 'ServiceUnavailable',
  message: 'try later',
  requestId: 'req-1',
  attempts: 4,
  retriable: true,
};

describe('CallAutomationError', () => {
  it('is an AppError our API reports as 502, carrying the upstream facts', () => {
    const error = new CallAutomationError(init);
    expect(error).toBeInstanceOf(AppError);
    expect(isCallAutomationError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'CallAutomationError', code: 'upstream_error', status: 502, ...init });
    expect(error.details).toEqual({ operation: 'playAudio', upstreamStatus: 503, upstreamCode: 'ServiceUnavailable', requestId: 'req-1', attempts: 4 });
  });

  it('redacts tokens and keys from an upstream message and bounds its length', () => {
    const error = new CallAutomationError({
      ...init,
      message: `bad callbackUri https://cb.example/api/callbacks/c1?token=s3cret&x=1\nand endpoint=https://a;accesskey=QUJD ${'x'.repeat(600)}`,
    });
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('QUJD');
    expect(error.message).toContain('?token=[Redacted]&x=1 and');
    expect(error.message.length).toBeLessThanOrEqual(501);
  });
});
