import fc from 'fast-check';
import { IdentifierError, isE164, parseRawId, rawIdOfWire, toEventIdentifier } from '../../src/identifiers';

describe('parseRawId', () => {
  it('reads a bare E.164 number and canonicalises it with the 4: prefix', () => {
    expect(parseRawId('+14255550123')).toEqual({
      kind: 'phoneNumber',
      rawId: '4:+14255550123',
      wire: { phoneNumber: { value: '+14255550123' } },
    });
  });

  it('reads a 4:-prefixed phone number', () => {
    expect(parseRawId('4:+442071838750')).toEqual({
      kind: 'phoneNumber',
      rawId: '4:+442071838750',
      wire: { phoneNumber: { value: '+442071838750' } },
    });
  });

  it('reads a communication user', () => {
    const id = '8:acs:016a7064-0581-40b9-be73-6dde64d69d72_00000009-de04-ee58-740a-113a0d00330d';
    expect(parseRawId(id)).toEqual({ kind: 'communicationUser', rawId: id, wire: { communicationUser: { id } } });
  });

  it.each(['8:spool:x_1', '8:dod-acs:x_1', '8:gcch-acs:x_1'])('reads the sovereign-cloud communication user %s', (id) => {
    expect(parseRawId(id)).toMatchObject({ kind: 'communicationUser', rawId: id, wire: { communicationUser: { id } } });
  });

  it.each([
    ['8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130', 'public', false],
    ['8:dod:45ab2481', 'dod', false],
    ['8:gcch:45ab2481', 'gcch', false],
    ['8:teamsvisitor:45ab2481', 'public', true],
  ] as const)('reads the Teams user %s', (raw, cloud, isAnonymous) => {
    const userId = raw.slice(raw.lastIndexOf(':') + 1);
    expect(parseRawId(raw)).toEqual({
      kind: 'microsoftTeamsUser',
      rawId: raw,
      wire: { microsoftTeamsUser: { microsoftTeamsUserId: userId, isAnonymous, cloud } },
    });
  });

  it('ignores surrounding whitespace', () => {
    expect(parseRawId('  +14255550123\n').rawId).toBe('4:+14255550123');
  });

  it.each([
    ['', /not a raw id/],
    ['14255550123', /not a raw id/],
    ['+', /E\.164/],
    ['+0123456789', /E\.164/],
    ['+142555', /E\.164/],
    ['+1234567890123456', /E\.164/],
    ['+1 425 555 0123', /E\.164/],
    ['4:', /not a raw id/],
    ['4:+12', /E\.164/],
    ['8:acs:', /no user id/],
    ['8:orgid:', /no user id/],
    ['8:teamsvisitor:', /no user id/],
    ['8:unknown:abc', /not a raw id/],
    ['someone@example.com', /not a raw id/],
  ])('rejects %j with a message saying why', (raw, message) => {
    expect(() => parseRawId(raw)).toThrow(IdentifierError);
    expect(() => parseRawId(raw)).toThrow(message);
  });
});

describe('isE164', () => {
  it('accepts 7 to 15 digits after +, not starting with 0', () => {
    expect(['+1234567', '+123456789012345'].every(isE164)).toBe(true);
    expect(['+123456', '+1234567890123456', '+0123456789', '14255550123', '4:+14255550123'].some(isE164)).toBe(false);
  });
});

describe('rawIdOfWire', () => {
  it.each([
    [{ phoneNumber: { value: '+14255550123' } }, '4:+14255550123'],
    [{ communicationUser: { id: '8:acs:r_1' } }, '8:acs:r_1'],
    [{ microsoftTeamsUser: { microsoftTeamsUserId: 'u1' } }, '8:orgid:u1'],
    [{ microsoftTeamsUser: { microsoftTeamsUserId: 'u1', cloud: 'gcch' } }, '8:gcch:u1'],
    [{ microsoftTeamsUser: { microsoftTeamsUserId: 'u1', cloud: 'dod' } }, '8:dod:u1'],
    [{ microsoftTeamsUser: { microsoftTeamsUserId: 'u1', isAnonymous: true } }, '8:teamsvisitor:u1'],
  ])('%j is %s', (wire, raw) => {
    expect(rawIdOfWire(wire)).toBe(raw);
  });

  it.each([null, 'x', {}, { phoneNumber: {} }, { communicationUser: { id: 42 } }])('rejects %j', (wire) => {
    expect(() => rawIdOfWire(wire)).toThrow(IdentifierError);
  });

  it('rejects an identifier object carrying an invalid id', () => {
    expect(() => rawIdOfWire({ phoneNumber: { value: '555-0123' } })).toThrow(IdentifierError);
  });

  it('round-trips every valid raw id through its wire form', () => {
    const phone = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{6,14}$/)).map(([d, rest]) => `+${d}${rest}`);
    const suffix = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    const raw = fc.oneof(
      phone,
      phone.map((p) => `4:${p}`),
      fc.tuple(fc.constantFrom('8:acs:', '8:spool:', '8:dod-acs:', '8:gcch-acs:', '8:orgid:', '8:dod:', '8:gcch:', '8:teamsvisitor:'), suffix).map(([p, s]) => p + s),
    );
    fc.assert(
      fc.property(raw, (value) => {
        const parsed = parseRawId(value);
        expect(rawIdOfWire(parsed.wire)).toBe(parsed.rawId);
        expect(parseRawId(parsed.rawId)).toEqual(parsed);
      }),
    );
  });
});

describe('toEventIdentifier', () => {
  it('builds the PascalCase identifier the events carry', () => {
    expect(toEventIdentifier('8:acs:r_1')).toEqual({
      RawId: '8:acs:r_1',
      CommunicationUser: { Id: '8:acs:r_1' },
      PhoneNumber: null,
      MicrosoftTeamsUser: null,
    });
    expect(toEventIdentifier('+14255550123')).toEqual({
      RawId: '4:+14255550123',
      CommunicationUser: null,
      PhoneNumber: { Value: '+14255550123' },
      MicrosoftTeamsUser: null,
    });
    expect(toEventIdentifier('8:teamsvisitor:v1').MicrosoftTeamsUser).toEqual({ MicrosoftTeamsUserId: 'v1', IsAnonymous: true, Cloud: 'public' });
  });
});
