/**
 * ACS raw ids (`+1425…`, `4:+1425…`, `8:acs:…`, `8:orgid:…`) are what our own
 * API speaks; the Call Automation API wants identifier objects. This module
 * converts between the two, and is the one place that knows the prefixes.
 */

export type TeamsCloud = 'public' | 'dod' | 'gcch';

export type WireIdentifier =
  | { communicationUser: { id: string } }
  | { phoneNumber: { value: string } }
  | { microsoftTeamsUser: { microsoftTeamsUserId: string; isAnonymous?: boolean; cloud?: TeamsCloud } };

export type IdentifierKind = 'phoneNumber' | 'communicationUser' | 'microsoftTeamsUser';

export interface ParsedIdentifier {
  kind: IdentifierKind;
  /** Canonical raw id: phone numbers always carry the `4:` prefix. */
  rawId: string;
  wire: WireIdentifier;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const ACS_USER_PREFIXES = ['8:acs:', '8:spool:', '8:dod-acs:', '8:gcch-acs:'];
const TEAMS_PREFIXES: Array<[string, TeamsCloud, boolean]> = [
  ['8:orgid:', 'public', false],
  ['8:dod:', 'dod', false],
  ['8:gcch:', 'gcch', false],
  ['8:teamsvisitor:', 'public', true],
];

export class IdentifierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentifierError';
  }
}

export function isE164(value: string): boolean {
  return E164.test(value);
}

export function parseRawId(raw: string): ParsedIdentifier {
  const value = raw.trim();
  const phone = value.startsWith('4:') ? value.slice(2) : value;
  if (phone.startsWith('+')) {
    if (!E164.test(phone)) throw new IdentifierError(`"${raw}" is not an E.164 phone number (+ and 7 to 15 digits)`);
    return { kind: 'phoneNumber', rawId: `4:${phone}`, wire: { phoneNumber: { value: phone } } };
  }
  const acs = ACS_USER_PREFIXES.find((p) => value.startsWith(p));
  if (acs) {
    if (value.length === acs.length) throw new IdentifierError(`"${raw}" has no user id after ${acs}`);
    return { kind: 'communicationUser', rawId: value, wire: { communicationUser: { id: value } } };
  }
  const teams = TEAMS_PREFIXES.find(([p]) => value.startsWith(p));
  if (teams) {
    const [prefix, cloud, isAnonymous] = teams;
    const userId = value.slice(prefix.length);
    if (!userId) throw new IdentifierError(`"${raw}" has no user id after ${prefix}`);
    return {
      kind: 'microsoftTeamsUser',
      rawId: value,
      wire: { microsoftTeamsUser: { microsoftTeamsUserId: userId, isAnonymous, cloud } },
    };
  }
  throw new IdentifierError(`"${raw}" is not a raw id: expected +E.164, 4:+E.164, 8:acs:… or 8:orgid:…`);
}

/** The raw id of a camelCase identifier object as the REST API carries it. */
export function rawIdOfWire(wire: unknown): string {
  if (typeof wire !== 'object' || wire === null) throw new IdentifierError('identifier must be an object');
  const w = wire as Record<string, Record<string, unknown> | undefined>;
  if (typeof w.communicationUser?.id === 'string') return parseRawId(w.communicationUser.id).rawId;
  if (typeof w.phoneNumber?.value === 'string') return parseRawId(w.phoneNumber.value).rawId;
  const teams = w.microsoftTeamsUser;
  if (typeof teams?.microsoftTeamsUserId === 'string') {
    if (teams.isAnonymous === true) return `8:teamsvisitor:${teams.microsoftTeamsUserId}`;
    const prefix = TEAMS_PREFIXES.find(([, cloud, anon]) => !anon && cloud === (teams.cloud ?? 'public'));
    return `${prefix ? prefix[0] : '8:orgid:'}${teams.microsoftTeamsUserId}`;
  }
  throw new IdentifierError('identifier has none of communicationUser.id, phoneNumber.value, microsoftTeamsUser.microsoftTeamsUserId');
}

/** PascalCase identifier as the events carry it (`RawId`, `CommunicationUser{Id}`, …). */
export interface EventIdentifier {
  RawId: string;
  CommunicationUser: { Id: string } | null;
  PhoneNumber: { Value: string } | null;
  MicrosoftTeamsUser: { MicrosoftTeamsUserId: string; IsAnonymous?: boolean; Cloud?: string } | null;
}

export function toEventIdentifier(raw: string): EventIdentifier {
  const parsed = parseRawId(raw);
  const wire = parsed.wire;
  return {
    RawId: parsed.rawId,
    CommunicationUser: 'communicationUser' in wire ? { Id: wire.communicationUser.id } : null,
    PhoneNumber: 'phoneNumber' in wire ? { Value: wire.phoneNumber.value } : null,
    MicrosoftTeamsUser:
      'microsoftTeamsUser' in wire
        ? {
            MicrosoftTeamsUserId: wire.microsoftTeamsUser.microsoftTeamsUserId,
            IsAnonymous: wire.microsoftTeamsUser.isAnonymous ?? false,
            Cloud: wire.microsoftTeamsUser.cloud ?? 'public',
          }
        : null,
  };
}
