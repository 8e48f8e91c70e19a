// The stacks the peer-level figures compare, each loaded only in the child process that measures it.
import type { Stack } from './stack.js';

/** Ours first, then the anchors. */
export const stackNames = ['ours', 'libwebrtc', 'libdatachannel', 'werift'] as const;
export type StackName = (typeof stackNames)[number];

export async function loadStack(name: StackName): Promise<Stack> {
  switch (name) {
    case 'ours':
      return (await import('./ours.js')).default();
    case 'libwebrtc':
      return (await import('./libwebrtc.js')).default();
    case 'libdatachannel':
      return (await import('./libdatachannel.js')).default();
    case 'werift':
      return (await import('./werift.js')).default();
  }
}
