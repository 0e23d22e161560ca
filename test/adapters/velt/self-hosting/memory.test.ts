import { createMemoryVeltContentStore } from 'unicollab/velt';
import { handlerSuite, storeSuite } from './suites.js';

const makeStore = async () => createMemoryVeltContentStore();
storeSuite('memory', makeStore);
handlerSuite('memory', makeStore);
