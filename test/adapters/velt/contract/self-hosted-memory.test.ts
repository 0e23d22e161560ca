/** The self-hosted write protocol with the in-memory content store (see self-hosted-suite.ts). */
import { createMemoryVeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import { selfHostedSuite } from './self-hosted-suite.js';

selfHostedSuite('memory', async () => createMemoryVeltContentStore());
