import { createCollab, type Collab } from '../../../../src/collab.js';
import { describeConformance } from '../../../../src/testing/index.js';
import { memoryProbe } from './memory-probe.js';

// The embedded provider against the whole suite, twice: with a probe reading its store, and without one.
let current: Collab | undefined;

describeConformance({
  name: 'memory (with store probe)',
  create: async () => (current = await createCollab({ provider: 'memory', tokenSecret: 'conformance-token-secret-0123456789' })),
  probe: memoryProbe(() => current!),
  secrets: ['conformance-token-secret-0123456789'],
  settleMs: 2000,
});

describeConformance({
  name: 'memory (no probe)',
  create: () => createCollab(),
  only: ['rooms', 'threads', 'errors'],
  settleMs: 2000,
});
