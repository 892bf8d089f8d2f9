/** The GA operations the emulator serves, as its request log names them (and `GET /emulator/requests?operation=` filters by). */
export const GA_OPERATIONS = [
  'createCall',
  'connect',
  'getCall',
  'hangUp',
  'terminate',
  'play',
  'cancelAllMediaOperations',
  'recognize',
  'startContinuousDtmfRecognition',
  'stopContinuousDtmfRecognition',
  'addParticipant',
  'removeParticipant',
  'listParticipants',
  'getParticipant',
] as const;

export type GaOperation = (typeof GA_OPERATIONS)[number];
