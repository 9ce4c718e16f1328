import { MemoryStore } from '../../core/store/memory-store.ts';
import { storeConformance } from './store.ts';

storeConformance(
  'MemoryStore',
  async () => {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  },
  { propertyRuns: 300 },
);
