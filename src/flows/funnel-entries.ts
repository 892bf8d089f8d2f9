/**
 * Timeline entries (kind `flow`) a flow call writes, one name per fact so a
 * campaign's funnel is a GROUP BY on the name. Node ids cannot contain `:`.
 */
export const flowEntry = {
  /** The call entered the node. */
  entered: (node: string) => `node:${node}`,
  /** A gather node accepted these digits. */
  gathered: (node: string, digits: string) => `keys:${node}:${digits}`,
  /** A gather node got no input in time. */
  noInput: (node: string) => `no-input:${node}`,
  /** A gather node got input not in its `valid` list. */
  invalid: (node: string) => `invalid:${node}`,
  /** The callee hung up while the call was at this node. */
  hungUp: (node: string) => `hung-up:${node}`,
  /** A branch, ask or connect chose where to go; detail says why. */
  decided: (node: string) => `decision:${node}`,
};

export type FunnelFact = 'entered' | 'gathered' | 'noInput' | 'invalid' | 'hungUp';

/** Reads a `flow` entry name back; undefined for `decision:` and names of other kinds. */
export function parseFlowEntry(name: string): { fact: FunnelFact; node: string; digits?: string } | undefined {
  const [prefix, node, digits] = name.split(':');
  if (!node) return undefined;
  switch (prefix) {
    case 'node':
      return { fact: 'entered', node };
    case 'keys':
      return digits === undefined ? undefined : { fact: 'gathered', node, digits };
    case 'no-input':
      return { fact: 'noInput', node };
    case 'invalid':
      return { fact: 'invalid', node };
    case 'hung-up':
      return { fact: 'hungUp', node };
    default:
      return undefined;
  }
}
